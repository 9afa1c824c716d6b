export { startFakeE2B, type FakeE2B } from "./server";
export { ONE_PIXEL_PNG, defaultExecuteScript } from "./envd";
export type { ExecuteLine, FakeSandbox, RecordedRequest } from "./state";

export { startSupabaseFake, type SupabaseFake, type SupabaseFakeOptions } from "./server";
export { FAKE_ANON_KEY, FAKE_JWT_SECRET } from "./tokens";
export { ApiError } from "./http";
export type { TokenResponse } from "./sessions";
export type { EmailType, FakeSettings, OutboxEmail, RecordedRequest } from "./state";
export type { UserJson } from "./users";

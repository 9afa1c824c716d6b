export { startOpenAIFake, type OpenAIFake } from "./server";
export { fragmentText } from "./respond";
export type { MatchRule, Outcome, RecordedRequest, Script, ScriptEntry } from "./state";

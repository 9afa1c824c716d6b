import { describe, expect, it } from "vitest";
import { extractJsonObject, parsePartialObject } from "@/lib/ai/json-text";

const object = { title: "Todo", files: [{ path: "src/App.tsx", content: "export default function App() { return <p>{\"}\"}</p>; }\n```\nnot a fence\n```" }] };
const json = JSON.stringify(object, null, 2);

describe("extractJsonObject (JSON mode, complete answers)", () => {
  it.each([
    ["bare JSON", json],
    ["a ```json fence", "```json\n" + json + "\n```"],
    ["a bare ``` fence", "```\n" + json + "\n```\n"],
    ["prose before and after", `Sure! Here is your app:\n\n${json}\n\nLet me know if you want changes.`],
    ["prose after that holds braces", `${json}\n\nYou can tweak {colors} in App.css }`],
    ["prose before that holds a brace", `I used a {simple} layout:\n${json}`],
  ])("finds the object inside %s", async (_label, text) => {
    expect(await extractJsonObject(text)).toEqual({ ok: true, value: object });
  });

  it("says an answer cut off mid-object is incomplete, not malformed", async () => {
    expect(await extractJsonObject(json.slice(0, 60))).toEqual({ ok: false, incomplete: true });
  });

  it("says prose without an object is malformed", async () => {
    expect(await extractJsonObject("I cannot help with that.")).toEqual({ ok: false, incomplete: false });
    expect(await extractJsonObject("")).toEqual({ ok: false, incomplete: false });
  });

  it("does not take an array or a string for the object", async () => {
    expect((await extractJsonObject('["a", "b"]')).ok).toBe(false);
  });
});

describe("parsePartialObject (streaming display)", () => {
  it("reads the object so far, fence or not", async () => {
    expect(await parsePartialObject('```json\n{"title": "To')).toEqual({ title: "To" });
    expect(await parsePartialObject('Here you go: {"title": "Todo", "files": [{"path": "src/A')).toEqual({ title: "Todo", files: [{ path: "src/A" }] });
  });

  it("reads a finished object followed by a closing fence or prose", async () => {
    expect(await parsePartialObject('```json\n{"title": "Todo"}\n```')).toEqual({ title: "Todo" });
    expect(await parsePartialObject('{"title": "Todo"}\nEnjoy!')).toEqual({ title: "Todo" });
  });

  it("has nothing before the first brace", async () => {
    expect(await parsePartialObject("Sure, here")).toBeUndefined();
  });
});

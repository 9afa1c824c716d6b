import { strFromU8, unzipSync } from "fflate";
import type { ExportInput } from "@/lib/export";
import { EXAMPLES } from "@/lib/fragment/examples";

/** Every chunk the stream yields, in order. */
export async function chunksOf(stream: ReadableStream<Uint8Array>): Promise<Uint8Array[]> {
  const chunks: Uint8Array[] = [];
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return chunks;
    chunks.push(value);
  }
}

export function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** The archive's entries as text, keyed by full entry name. */
export async function unzipText(stream: ReadableStream<Uint8Array>): Promise<Record<string, string>> {
  const entries = unzipSync(concat(await chunksOf(stream)));
  return Object.fromEntries(Object.entries(entries).map(([name, data]) => [name, strFromU8(data)]));
}

export function input(overrides: Partial<ExportInput> = {}): ExportInput {
  return {
    title: "Greeting card!",
    n: 3,
    template: "html",
    files: [{ path: "index.html", content: "<h1>Hi</h1>\n" }],
    dependencies: { npm: [], pip: [] },
    entry: "index.html",
    port: null,
    ...overrides,
  };
}

export function exampleInput(id: string, n = 1): ExportInput {
  const example = EXAMPLES.find((e) => e.id === id);
  if (!example) throw new Error(`no example ${id}`);
  const { title, template, files, dependencies, entry, port } = example.fragment;
  return { title, n, template, files: files.map((f) => ({ ...f })), dependencies: { npm: [...dependencies.npm], pip: [...dependencies.pip] }, entry, port };
}

import path from "node:path";

/**
 * envd runs `/bin/bash -l -c <command>`. The fake runs nothing on the host: it splits the command
 * the way bash would split plain words and quotes, refuses any shell syntax beyond that (so a test
 * fails loudly if the adapter ever forgets to quote an argument), and interprets a handful of
 * commands against the sandbox's in-memory files.
 */

export interface FakeProcessIO {
  cwd: string;
  envs: Record<string, string>;
  files: Map<string, Buffer>;
  stdout(chunk: string): void;
  stderr(chunk: string): void;
  /** Resolves with everything written to stdin once it is closed. */
  stdin(): Promise<string>;
  /** Aborted when the process is killed (SendSignal) or the sandbox dies. */
  signal: AbortSignal;
}

const OPERATORS = new Set([";", "|", "&", ">", "<", "$", "`", "(", ")", "*", "?", "{", "}", "\n"]);

/** Words of a command in bash's plain-word, '…' and "…" forms; throws on anything else. */
export function splitShellWords(command: string): string[] {
  const words: string[] = [];
  let current = "";
  let inWord = false;
  for (let i = 0; i < command.length; i++) {
    const c = command[i]!;
    if (c === "'") {
      const close = command.indexOf("'", i + 1);
      if (close < 0) throw new Error("unterminated single quote");
      current += command.slice(i + 1, close);
      i = close;
      inWord = true;
    } else if (c === '"') {
      let j = i + 1;
      for (; j < command.length && command[j] !== '"'; j++) {
        if (command[j] === "\\" || command[j] === "$" || command[j] === "`") throw new Error(`unsupported ${command[j]} inside double quotes`);
        current += command[j];
      }
      if (j >= command.length) throw new Error("unterminated double quote");
      i = j;
      inWord = true;
    } else if (c === " " || c === "\t") {
      if (inWord) words.push(current);
      current = "";
      inWord = false;
    } else if (OPERATORS.has(c) || c === "\\") {
      throw new Error(`unsupported shell syntax ${JSON.stringify(c)}`);
    } else {
      current += c;
      inWord = true;
    }
  }
  if (inWord) words.push(current);
  return words;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => (clearTimeout(t), resolve()), { once: true });
  });

export async function interpret(command: string, io: FakeProcessIO): Promise<number> {
  let argv: string[];
  try {
    argv = splitShellWords(command);
  } catch (err) {
    io.stderr(`fake-e2b: ${(err as Error).message}\n`);
    return 2;
  }
  const [name, ...args] = argv;
  const resolvePath = (p: string) => path.posix.resolve(io.cwd, p);
  switch (name) {
    case undefined:
      return 0;
    case "true":
      return 0;
    case "false":
      return 1;
    case "exit":
      return Number(args[0] ?? 0);
    case "echo":
      io.stdout(`${args.join(" ")}\n`);
      return 0;
    case "pwd":
      io.stdout(`${io.cwd}\n`);
      return 0;
    case "printenv":
      // Only the variables the request carried: the fake has no real environment to leak.
      for (const a of args) if (a in io.envs) io.stdout(`${io.envs[a]}\n`);
      return args.every((a) => a in io.envs) ? 0 : 1;
    case "seq": {
      // One data event per line (or per 1000 lines when large) with a pause between: the adapter
      // must deliver them through onStdout in order, as they arrive.
      const n = Number(args[0] ?? 0);
      const batch = n > 100 ? 1000 : 1;
      for (let i = 1; i <= n && !io.signal.aborted; i += batch) {
        let chunk = "";
        for (let j = i; j < i + batch && j <= n; j++) chunk += `${j}\n`;
        io.stdout(chunk);
        await sleep(batch === 1 ? 5 : 0, io.signal);
      }
      return io.signal.aborted ? 137 : 0;
    }
    case "sleep":
      await sleep(Number(args[0] ?? 0) * 1000, io.signal);
      return io.signal.aborted ? 137 : 0;
    case "cat": {
      if (args.length === 0) {
        io.stdout(await io.stdin());
        return 0;
      }
      let code = 0;
      for (const a of args) {
        const content = io.files.get(resolvePath(a));
        if (content === undefined) {
          io.stderr(`cat: ${a}: No such file or directory\n`);
          code = 1;
        } else io.stdout(content.toString("utf8"));
      }
      return code;
    }
    case "ls": {
      const dir = resolvePath(args[0] ?? ".");
      const names = new Set<string>();
      for (const file of io.files.keys()) {
        if (file.startsWith(`${dir}/`)) names.add(file.slice(dir.length + 1).split("/")[0]!);
      }
      if (names.size === 0 && !io.files.has(dir)) {
        io.stderr(`ls: cannot access '${args[0] ?? "."}': No such file or directory\n`);
        return 2;
      }
      io.stdout([...names].sort().map((n) => `${n}\n`).join(""));
      return 0;
    }
    default:
      io.stderr(`bash: line 1: ${name}: command not found\n`);
      return 127;
  }
}

import { AppError } from "../../../errors";

/**
 * envd only runs `/bin/bash -l -c <string>`, so an argv has to become one shell string. Every word
 * is single-quoted, the command name included: a quoted word is never an assignment (`A=b`), a
 * reserved word (`time`, `!`), an alias, a glob or an expansion, so the argv runs exactly as given.
 */
export function shellQuote(argv: string[]): string {
  if (argv.length === 0) throw new AppError("bad_request:validation", "Empty command.");
  return argv
    .map((word) => {
      if (word.includes("\0")) throw new AppError("bad_request:validation", "A command argument contains a NUL byte.");
      // '"'"' ends the quote, adds a double-quoted ', and reopens: the portable way to quote a '.
      return `'${word.replaceAll("'", `'"'"'`)}'`;
    })
    .join(" ");
}

/*
 * Terminal colour and cursor codes in tracebacks (IPython colours its own) would show as
 * "[0;31m" noise in a <pre>. CSI sequences, OSC sequences (ended by BEL or ST) and the lone
 * two-character escapes are removed; nothing else is touched.
 */
const ANSI = /\u001b\[[0-?]*[ -/]*[@-~]|\u009b[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[@-Z\\-_]/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI, "");
}

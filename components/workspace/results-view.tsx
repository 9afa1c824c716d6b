"use client";

import type { ReactNode } from "react";
import { CircleAlert, CircleCheck, Terminal } from "lucide-react";
import type { RichResult, RunResult } from "@/lib/fragment/protocol";
import { cn } from "@/lib/utils";
import { stripAnsi } from "./ansi";
import { formatCell, formatJson, isBase64, MAX_TABLE_ROWS } from "./results-format";
import { formatDuration } from "./run-steps";

export type ExecutionResult = Extract<RunResult, { kind: "execution" }>;

/*
 * A script's output. Everything here is model-controlled, so it is shown as text: React escapes
 * it, tables are built from their cells (never the html field), and an HTML result is shown as its
 * source. Images are data: URLs, which the CSP's img-src allows.
 */
export function ResultsView({ execution }: { execution: ExecutionResult }) {
  const { stdout, stderr, results, error, durationMs } = execution;
  const empty = !stdout && !stderr && results.length === 0 && !error;
  return (
    <div data-testid="results-view" className="min-h-0 flex-1 space-y-4 overflow-auto p-4">
      <div className="flex items-center gap-2 text-xs text-muted-foreground">
        {error ? <CircleAlert aria-hidden className="size-4 text-destructive" /> : <CircleCheck aria-hidden className="size-4 text-emerald-600 dark:text-emerald-400" />}
        <span>
          {error ? "The script stopped with an error" : "The script finished"} in {formatDuration(durationMs)}
        </span>
      </div>

      {empty && (
        <p data-testid="results-empty" className="rounded-lg border border-dashed p-4 text-sm text-muted-foreground">
          The script ran without printing anything. Print a value or end a cell with an expression to see it here.
        </p>
      )}
      {stdout && (
        <Section title="Output">
          <Pre testId="result-stdout">{stdout}</Pre>
        </Section>
      )}
      {results.map((result, i) => (
        <Section key={i} title={resultTitle(result, i, results.length)}>
          <Rich result={result} />
        </Section>
      ))}
      {stderr && (
        <Section title="Errors and warnings (stderr)">
          <Pre testId="result-stderr" className="text-warning">
            {stripAnsi(stderr)}
          </Pre>
        </Section>
      )}
      {error && (
        <section data-testid="result-error" className="overflow-hidden rounded-lg border border-destructive/30 bg-destructive/5">
          <h3 className="border-b border-destructive/20 px-3 py-2 font-mono text-sm font-semibold text-destructive">
            {error.name}
            {error.value && <span className="font-normal">: {stripAnsi(error.value)}</span>}
          </h3>
          {error.traceback && <pre className="max-h-96 overflow-auto p-3 font-mono text-xs leading-relaxed whitespace-pre">{stripAnsi(error.traceback)}</pre>}
        </section>
      )}
    </div>
  );
}

function resultTitle(result: RichResult, index: number, count: number): string {
  const name = { text: "Result", png: "Image", html: "HTML result", table: "Table", json: "JSON result" }[result.type];
  return count > 1 ? `${name} ${index + 1}` : name;
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="space-y-1.5">
      <h3 className="flex items-center gap-1.5 text-xs font-medium text-muted-foreground">
        <Terminal aria-hidden className="size-3.5" />
        {title}
      </h3>
      {children}
    </section>
  );
}

function Pre({ children, testId, className }: { children: string; testId?: string; className?: string }) {
  return (
    <pre data-testid={testId} className={cn("max-h-96 overflow-auto rounded-lg border bg-surface p-3 font-mono text-xs leading-relaxed whitespace-pre-wrap break-words", className)}>
      {children}
    </pre>
  );
}

function Rich({ result }: { result: RichResult }) {
  switch (result.type) {
    case "text":
      return <Pre testId="result-text">{stripAnsi(result.text)}</Pre>;
    case "json":
      return <Pre testId="result-json">{formatJson(result.json)}</Pre>;
    case "png":
      if (!isBase64(result.base64)) return <p className="text-xs text-muted-foreground">The image could not be shown: it is not valid PNG data.</p>;
      return (
        // eslint-disable-next-line @next/next/no-img-element -- a data: URL from a script; next/image has nothing to optimise
        <img
          data-testid="result-png"
          src={`data:image/png;base64,${result.base64.replace(/\s/g, "")}`}
          alt="Image produced by the script"
          className="max-h-[32rem] max-w-full rounded-lg border bg-white object-contain"
        />
      );
    case "table":
      return <ResultTable columns={result.columns} rows={result.rows} />;
    case "html":
      return (
        <details className="rounded-lg border bg-surface">
          <summary className="cursor-pointer px-3 py-2 text-xs text-muted-foreground outline-none focus-visible:ring-2 focus-visible:ring-ring">
            HTML output, shown as source for safety
          </summary>
          <pre data-testid="result-html" className="max-h-96 overflow-auto border-t p-3 font-mono text-xs whitespace-pre-wrap break-words">
            {result.html}
          </pre>
        </details>
      );
  }
}

function ResultTable({ columns, rows }: { columns: readonly string[]; rows: readonly unknown[][] }) {
  const shown = rows.slice(0, MAX_TABLE_ROWS);
  // A table without column names still shows its cells, under numbered headers.
  const headers = columns.length > 0 ? columns : Array.from({ length: Math.max(0, ...shown.map((r) => r.length)) }, (_, i) => String(i));
  return (
    <div className="space-y-1">
      <div className="max-h-[28rem] overflow-auto rounded-lg border">
        <table data-testid="result-table" className="w-full border-collapse text-xs">
          <thead className="sticky top-0 bg-muted">
            <tr>
              {headers.map((col, i) => (
                <th key={i} scope="col" className="border-b px-3 py-1.5 text-left font-medium whitespace-nowrap">
                  {col}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {shown.map((row, r) => (
              <tr key={r} className="even:bg-surface">
                {headers.map((_, c) => (
                  <td key={c} className="border-b px-3 py-1 font-mono whitespace-nowrap tabular-nums">
                    {formatCell(row[c])}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="text-[11px] text-muted-foreground">
        {rows.length} {rows.length === 1 ? "row" : "rows"}
        {rows.length > shown.length && `, first ${shown.length} shown`}
      </p>
    </div>
  );
}

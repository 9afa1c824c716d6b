// React examples: Tailwind utility classes only, no packages beyond the template's own.

export const TODO_APP = `import { useMemo, useState, type FormEvent } from "react";

type Filter = "all" | "active" | "done";

interface Todo {
  id: number;
  text: string;
  done: boolean;
}

const FILTERS: { id: Filter; label: string }[] = [
  { id: "all", label: "All" },
  { id: "active", label: "Active" },
  { id: "done", label: "Done" },
];

const STARTERS: Todo[] = [
  { id: 1, text: "Sketch the landing page", done: true },
  { id: 2, text: "Write the onboarding emails", done: false },
  { id: 3, text: "Book a room for the retro", done: false },
];

export default function App() {
  const [todos, setTodos] = useState<Todo[]>(STARTERS);
  const [draft, setDraft] = useState("");
  const [filter, setFilter] = useState<Filter>("all");
  const [nextId, setNextId] = useState(STARTERS.length + 1);

  const visible = useMemo(
    () => todos.filter((t) => filter === "all" || (filter === "done" ? t.done : !t.done)),
    [todos, filter],
  );
  const left = todos.filter((t) => !t.done).length;
  const doneCount = todos.length - left;

  function add(event: FormEvent) {
    event.preventDefault();
    const text = draft.trim();
    if (!text) return;
    setTodos((all) => [...all, { id: nextId, text, done: false }]);
    setNextId((n) => n + 1);
    setDraft("");
  }

  const toggle = (id: number) => setTodos((all) => all.map((t) => (t.id === id ? { ...t, done: !t.done } : t)));
  const remove = (id: number) => setTodos((all) => all.filter((t) => t.id !== id));
  const clearDone = () => setTodos((all) => all.filter((t) => !t.done));

  return (
    <main className="min-h-screen bg-gradient-to-br from-indigo-500 via-purple-500 to-pink-500 px-4 py-12">
      <div className="mx-auto max-w-md rounded-2xl bg-white p-6 shadow-2xl">
        <header className="mb-6">
          <h1 className="text-2xl font-bold text-slate-900">Today</h1>
          <p className="text-sm text-slate-500">
            {left === 0 ? "All done. Nice work!" : left + (left === 1 ? " task" : " tasks") + " to go"}
          </p>
          <div className="mt-3 h-2 overflow-hidden rounded-full bg-slate-100">
            <div
              className="h-full rounded-full bg-gradient-to-r from-indigo-500 to-pink-500 transition-all duration-500"
              style={{ width: todos.length ? (doneCount / todos.length) * 100 + "%" : "0%" }}
            />
          </div>
        </header>

        <form onSubmit={add} className="mb-4 flex gap-2">
          <input
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
            placeholder="What needs doing?"
            aria-label="New task"
            className="flex-1 rounded-lg border border-slate-200 px-3 py-2 text-slate-900 outline-none focus:border-indigo-500 focus:ring-2 focus:ring-indigo-200"
          />
          <button
            type="submit"
            className="rounded-lg bg-indigo-600 px-4 py-2 font-medium text-white transition hover:bg-indigo-700 disabled:opacity-40"
            disabled={!draft.trim()}
          >
            Add
          </button>
        </form>

        <ul className="divide-y divide-slate-100">
          {visible.map((todo) => (
            <li key={todo.id} className="group flex items-center gap-3 py-3">
              <button
                onClick={() => toggle(todo.id)}
                aria-label={(todo.done ? "Mark as not done: " : "Mark as done: ") + todo.text}
                className={
                  "flex h-6 w-6 shrink-0 items-center justify-center rounded-full border-2 transition " +
                  (todo.done ? "border-emerald-500 bg-emerald-500 text-white" : "border-slate-300 hover:border-indigo-500")
                }
              >
                {todo.done && "✓"}
              </button>
              <span className={"flex-1 " + (todo.done ? "text-slate-400 line-through" : "text-slate-800")}>{todo.text}</span>
              <button
                onClick={() => remove(todo.id)}
                aria-label={"Delete " + todo.text}
                className="rounded px-2 text-lg text-slate-300 opacity-0 transition group-hover:opacity-100 hover:text-rose-500 focus:opacity-100"
              >
                ×
              </button>
            </li>
          ))}
          {visible.length === 0 && <li className="py-8 text-center text-sm text-slate-400">Nothing here.</li>}
        </ul>

        <footer className="mt-4 flex items-center justify-between border-t border-slate-100 pt-4 text-sm">
          <div className="flex gap-1 rounded-lg bg-slate-100 p-1">
            {FILTERS.map((f) => (
              <button
                key={f.id}
                onClick={() => setFilter(f.id)}
                className={
                  "rounded-md px-3 py-1 transition " +
                  (filter === f.id ? "bg-white font-medium text-slate-900 shadow" : "text-slate-500 hover:text-slate-800")
                }
              >
                {f.label}
              </button>
            ))}
          </div>
          <button onClick={clearDone} disabled={doneCount === 0} className="text-slate-500 hover:text-rose-600 disabled:invisible">
            Clear done
          </button>
        </footer>
      </div>
    </main>
  );
}
`;

export const TIP_APP = `import { useState } from "react";
import { ResultRow } from "./ResultRow";

const PRESETS = [10, 15, 18, 20, 25];
const money = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" });

export default function App() {
  const [bill, setBill] = useState("84.50");
  const [tip, setTip] = useState(18);
  const [custom, setCustom] = useState("");
  const [people, setPeople] = useState(2);

  const amount = Math.max(0, Number.parseFloat(bill) || 0);
  const percent = custom !== "" ? Math.max(0, Number.parseFloat(custom) || 0) : tip;
  const tipTotal = (amount * percent) / 100;
  const total = amount + tipTotal;

  return (
    <main className="flex min-h-screen items-center justify-center bg-emerald-50 p-4">
      <div className="grid w-full max-w-3xl gap-6 rounded-3xl bg-white p-6 shadow-xl md:grid-cols-2 md:p-8">
        <section className="space-y-6">
          <h1 className="text-2xl font-bold text-emerald-900">Split the bill</h1>

          <label className="block">
            <span className="text-sm font-medium text-slate-600">Bill</span>
            <div className="mt-1 flex items-center rounded-xl bg-slate-50 px-3 ring-1 ring-slate-200 focus-within:ring-2 focus-within:ring-emerald-500">
              <span className="text-slate-400">$</span>
              <input
                inputMode="decimal"
                value={bill}
                onChange={(e) => setBill(e.target.value)}
                className="w-full bg-transparent px-2 py-3 text-right text-xl font-semibold text-slate-900 outline-none"
              />
            </div>
          </label>

          <fieldset>
            <legend className="text-sm font-medium text-slate-600">Tip</legend>
            <div className="mt-2 grid grid-cols-3 gap-2">
              {PRESETS.map((p) => (
                <button
                  key={p}
                  onClick={() => {
                    setTip(p);
                    setCustom("");
                  }}
                  className={
                    "rounded-xl py-2 text-lg font-semibold transition " +
                    (custom === "" && tip === p ? "bg-emerald-600 text-white shadow" : "bg-emerald-900 text-white/90 hover:bg-emerald-700")
                  }
                >
                  {p}%
                </button>
              ))}
              <input
                inputMode="decimal"
                placeholder="Custom"
                value={custom}
                onChange={(e) => setCustom(e.target.value)}
                aria-label="Custom tip percent"
                className="rounded-xl bg-slate-50 px-2 text-center text-lg font-semibold text-slate-900 outline-none ring-1 ring-slate-200 focus:ring-2 focus:ring-emerald-500"
              />
            </div>
          </fieldset>

          <div>
            <span className="text-sm font-medium text-slate-600">People</span>
            <div className="mt-1 flex items-center justify-between rounded-xl bg-slate-50 p-2 ring-1 ring-slate-200">
              <button
                onClick={() => setPeople((n) => Math.max(1, n - 1))}
                aria-label="Fewer people"
                className="h-10 w-10 rounded-lg bg-white text-xl font-bold text-emerald-700 shadow-sm hover:bg-emerald-100"
              >
                −
              </button>
              <span className="text-xl font-semibold text-slate-900" data-testid="people">{people}</span>
              <button
                onClick={() => setPeople((n) => Math.min(50, n + 1))}
                aria-label="More people"
                className="h-10 w-10 rounded-lg bg-white text-xl font-bold text-emerald-700 shadow-sm hover:bg-emerald-100"
              >
                +
              </button>
            </div>
          </div>
        </section>

        <section className="flex flex-col justify-between rounded-2xl bg-emerald-900 p-6 text-white">
          <div className="space-y-5">
            <ResultRow label="Tip" sub="per person" value={money.format(tipTotal / people)} />
            <ResultRow label="Total" sub="per person" value={money.format(total / people)} highlight />
          </div>
          <p className="mt-8 text-sm text-emerald-200">
            {money.format(amount)} + {percent}% tip ({money.format(tipTotal)}) = {money.format(total)} for {people}{" "}
            {people === 1 ? "person" : "people"}
          </p>
        </section>
      </div>
    </main>
  );
}
`;

export const TIP_ROW = `interface Props {
  label: string;
  sub: string;
  value: string;
  highlight?: boolean;
}

export function ResultRow({ label, sub, value, highlight }: Props) {
  return (
    <div className="flex items-center justify-between">
      <div>
        <p className="font-semibold">{label}</p>
        <p className="text-sm text-emerald-300">{sub}</p>
      </div>
      <p className={(highlight ? "text-4xl text-emerald-300" : "text-3xl") + " font-bold tabular-nums"}>{value}</p>
    </div>
  );
}
`;

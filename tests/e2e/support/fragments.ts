/** Fragments the scripted model answers with, as a real model would write them. */

export function reactFragment(heading: string) {
  return {
    title: "Greeting card",
    description: "A card with a heading and a counter.",
    template: "react",
    commentary: `Built a small React app that shows **${heading}** and a counter.`,
    files: [
      {
        path: "src/App.tsx",
        content: `import { Counter } from "./Counter";

export default function App() {
  return (
    <main className="p-8 font-sans">
      <h1 className="text-2xl font-bold text-blue-700">${heading}</h1>
      <Counter />
    </main>
  );
}
`,
      },
      {
        path: "src/Counter.tsx",
        content: `import { useState } from "react";

export function Counter() {
  const [n, setN] = useState(0);
  return <button className="mt-4 rounded bg-blue-600 px-3 py-1 text-white" onClick={() => setN(n + 1)}>Clicked {n} times</button>;
}
`,
      },
    ],
    deleted: [],
    dependencies: { npm: [], pip: [] },
    entry: "src/App.tsx",
    port: null,
  };
}

/** A follow-up change set: only the changed file. */
export function reactHeadingChange(heading: string) {
  const full = reactFragment(heading);
  return { ...full, commentary: `Changed the heading to **${heading}**.`, files: [full.files[0]!] };
}

/** An app that throws while rendering: the preview reports the error to the builder. */
export function reactThrowing(message: string) {
  return {
    ...reactFragment("never shown"),
    commentary: "Added a data loader.",
    files: [
      {
        path: "src/App.tsx",
        content: `export default function App() {
  throw new Error(${JSON.stringify(message)});
}
`,
      },
    ],
  };
}

export const pythonFragment = {
  title: "Sales chart",
  description: "Monthly sales as a chart and a table.",
  template: "python",
  commentary: "Plotted monthly sales with matplotlib and showed the data as a table.",
  files: [
    {
      path: "main.py",
      content: `import pandas as pd
import matplotlib.pyplot as plt

df = pd.DataFrame({"month": ["Jan", "Feb", "Mar"], "sales": [120, 135, 160]})
print("total sales", df["sales"].sum())
plt.figure(figsize=(4, 3))
plt.bar(df["month"], df["sales"])
plt.title("Monthly sales")
plt.show()
df
`,
    },
  ],
  deleted: [],
  dependencies: { npm: [], pip: [] },
  entry: "main.py",
  port: null,
};

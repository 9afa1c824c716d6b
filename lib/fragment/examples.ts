import { BIRTHDAY_SIMULATION, ORDERS_TABLE, SALES_CHART } from "./example-apps/python";
import { TIP_APP, TIP_ROW, TODO_APP } from "./example-apps/react";
import { POMODORO_VUE } from "./example-apps/vue";
import { MEMORY_CSS, MEMORY_HTML, MEMORY_JS } from "./example-apps/html";
import type { LocalTemplate, ModelFragment } from "./schema";

/**
 * The examples gallery: small, complete projects that run in the local sandbox without a model
 * (the first thing a fresh, offline install can show). Pure data, safe to import in the browser.
 * Each uses only its template's bundled packages, so none needs the network; `prompt` is what a
 * person might have typed to get it, offered to fill the composer when a model is configured.
 */

export interface Example {
  id: string;
  title: string;
  description: string;
  template: LocalTemplate;
  prompt: string;
  fragment: ModelFragment & { template: LocalTemplate; port: null };
}

type Spec = Omit<Example, "fragment"> & { commentary: string; entry: string; files: Record<string, string> };

function example({ id, title, description, template, prompt, commentary, entry, files }: Spec): Example {
  return {
    id,
    title,
    description,
    template,
    prompt,
    fragment: {
      title,
      description,
      template,
      commentary,
      files: Object.entries(files).map(([path, content]) => ({ path, content })),
      deleted: [],
      dependencies: { npm: [], pip: [] },
      entry,
      port: null,
    },
  };
}

export const EXAMPLES: readonly Example[] = [
  example({
    id: "react-todo",
    title: "Todo list",
    description: "A to-do list with filters, a progress bar and Tailwind styling.",
    template: "react",
    prompt: "Build a todo list app with Tailwind: add tasks, tick them off, filter all/active/done, a progress bar and a button to clear finished tasks.",
    commentary: "A single React component with local state. Tasks can be added, completed, filtered and cleared; styling is all Tailwind utility classes.",
    entry: "src/App.tsx",
    files: { "src/App.tsx": TODO_APP },
  }),
  example({
    id: "react-tip-calculator",
    title: "Tip calculator",
    description: "Split a restaurant bill between friends, with preset or custom tips.",
    template: "react",
    prompt: "Make a tip calculator: bill amount, tip presets (10–25%) plus a custom tip, number of people, and the tip and total per person. Use Tailwind.",
    commentary: "App.tsx holds the inputs and the arithmetic; ResultRow.tsx shows one figure. Amounts are formatted with Intl.NumberFormat.",
    entry: "src/App.tsx",
    files: { "src/App.tsx": TIP_APP, "src/ResultRow.tsx": TIP_ROW },
  }),
  example({
    id: "vue-pomodoro",
    title: "Pomodoro timer",
    description: "A focus timer with short and long breaks and a progress ring.",
    template: "vue",
    prompt: "Create a Pomodoro timer in Vue: 25-minute focus, 5-minute and 15-minute breaks, start/pause/reset, a circular progress ring and a count of finished sessions.",
    commentary: "One single-file component: the countdown and mode switching use refs and computed values; the ring is an SVG circle whose dash offset follows the time left.",
    entry: "src/App.vue",
    files: { "src/App.vue": POMODORO_VUE },
  }),
  example({
    id: "html-memory-game",
    title: "Memory match",
    description: "Flip cards to find the eight pairs, against the clock.",
    template: "html",
    prompt: "Write a memory card game in plain HTML, CSS and JavaScript: 16 cards with fruit emoji, flip animation, a move counter, a timer and a new-game button.",
    commentary: "index.html lays out the board, style.css does the 3D flip, and game.js shuffles the cards, counts moves and time, and announces the win.",
    entry: "index.html",
    files: { "index.html": MEMORY_HTML, "style.css": MEMORY_CSS, "game.js": MEMORY_JS },
  }),
  example({
    id: "python-sales-chart",
    title: "Revenue chart",
    description: "Monthly revenue against a target, and the year-to-date total, with matplotlib.",
    template: "python",
    prompt: "Plot a year of monthly revenue as a bar chart coloured by whether it met a target, next to a cumulative line chart, and print a short summary.",
    commentary: "The data is generated with numpy (a trend, a seasonal wave and noise). Two matplotlib panels: bars against the target line, and the running total.",
    entry: "main.py",
    files: { "main.py": SALES_CHART },
  }),
  example({
    id: "python-orders-table",
    title: "Orders by region",
    description: "Summarise 400 orders per region with pandas: items, revenue, share and top product.",
    template: "python",
    prompt: "Generate a table of 400 sample orders and summarise them by region with pandas: number of orders, items, revenue, average order, share of revenue and best-selling product.",
    commentary: "A DataFrame of generated orders, grouped by region with named aggregations; the summary is the last expression, so it is shown as a table.",
    entry: "main.py",
    files: { "main.py": ORDERS_TABLE },
  }),
  example({
    id: "python-birthday-paradox",
    title: "Birthday paradox",
    description: "Simulate shared birthdays in rooms of 5 to 60 people and compare with the exact odds.",
    template: "python",
    prompt: "Simulate the birthday paradox with numpy for several group sizes, compare with the exact probability, and say how many people make a shared birthday more likely than not.",
    commentary: "Each group size is simulated 20,000 times with vectorised numpy; the exact probability is the product formula. The table shows both and their difference.",
    entry: "main.py",
    files: { "main.py": BIRTHDAY_SIMULATION },
  }),
];

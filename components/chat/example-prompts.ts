/** Starting points shown in the empty chat; each one fills the composer when picked. */
export const EXAMPLE_PROMPTS: readonly { title: string; prompt: string }[] = [
  {
    title: "Habit tracker",
    prompt: "A habit tracker where I add daily habits, tick them off, and see a weekly streak view. Save everything in local storage.",
  },
  {
    title: "Markdown notes",
    prompt: "A markdown notes app with a sidebar of notes, tags, full-text search and a live preview next to the editor.",
  },
  {
    title: "Pomodoro timer",
    prompt: "A pomodoro timer with a task list, configurable work and break lengths, and a history of today's sessions.",
  },
  {
    title: "Budget dashboard",
    prompt: "A budget dashboard: upload a CSV of expenses, then see totals per category as a bar chart and a sortable table.",
  },
];

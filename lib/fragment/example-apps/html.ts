// Plain HTML example: the files are the site, no packages.

export const MEMORY_HTML = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Memory match</title>
    <link rel="stylesheet" href="style.css" />
    <script src="game.js" defer></script>
  </head>
  <body>
    <main>
      <header>
        <h1>Memory match</h1>
        <div class="stats">
          <span>Moves <strong id="moves">0</strong></span>
          <span>Time <strong id="time">0:00</strong></span>
          <button id="restart" type="button">New game</button>
        </div>
      </header>
      <div id="board" class="board" aria-label="Cards"></div>
      <p id="message" class="message" role="status"></p>
    </main>
  </body>
</html>
`;

export const MEMORY_CSS = `* { box-sizing: border-box; }
body {
  margin: 0;
  min-height: 100vh;
  display: grid;
  place-items: center;
  background: radial-gradient(circle at top, #1e3a5f, #0b1526);
  color: #f1f5f9;
  font-family: system-ui, sans-serif;
}
main { width: min(94vw, 460px); padding: 24px 0; }
header { display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between; gap: 12px; margin-bottom: 16px; }
h1 { margin: 0; font-size: 26px; }
.stats { display: flex; align-items: center; gap: 14px; color: #cbd5e1; }
.stats strong { color: white; font-variant-numeric: tabular-nums; }
#restart { border: 0; border-radius: 8px; padding: 8px 12px; background: #38bdf8; color: #0b1526; font-weight: 700; cursor: pointer; }
.board { display: grid; grid-template-columns: repeat(4, 1fr); gap: 10px; }
.card { aspect-ratio: 1; border: 0; padding: 0; background: none; perspective: 600px; cursor: pointer; }
.card .inner { position: relative; width: 100%; height: 100%; transition: transform 0.4s; transform-style: preserve-3d; }
.card.open .inner, .card.matched .inner { transform: rotateY(180deg); }
.face { position: absolute; inset: 0; display: grid; place-items: center; border-radius: 12px; backface-visibility: hidden; font-size: 34px; }
.back { background: linear-gradient(135deg, #6366f1, #ec4899); box-shadow: 0 4px 12px rgb(0 0 0 / 0.3); }
.front { background: #f8fafc; transform: rotateY(180deg); }
.card.matched .front { background: #bbf7d0; }
.message { min-height: 1.5em; margin-top: 16px; text-align: center; font-size: 18px; color: #fde68a; }
`;

export const MEMORY_JS = `const SYMBOLS = ["🍋", "🍇", "🍒", "🥝", "🍑", "🍍", "🥥", "🍉"];
const board = document.getElementById("board");
const movesEl = document.getElementById("moves");
const timeEl = document.getElementById("time");
const message = document.getElementById("message");

let open = [];
let moves = 0;
let matched = 0;
let seconds = 0;
let clock = null;

function shuffle(items) {
  const a = items.slice();
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

function showTime() {
  timeEl.textContent = Math.floor(seconds / 60) + ":" + String(seconds % 60).padStart(2, "0");
}

function newGame() {
  clearInterval(clock);
  clock = null;
  open = [];
  moves = matched = seconds = 0;
  movesEl.textContent = "0";
  message.textContent = "";
  showTime();
  board.replaceChildren(
    ...shuffle([...SYMBOLS, ...SYMBOLS]).map((symbol) => {
      const card = document.createElement("button");
      card.className = "card";
      card.dataset.symbol = symbol;
      card.setAttribute("aria-label", "Hidden card");
      card.innerHTML = '<div class="inner"><div class="face back"></div><div class="face front">' + symbol + "</div></div>";
      card.addEventListener("click", () => flip(card));
      return card;
    }),
  );
}

function flip(card) {
  if (open.length === 2 || card.classList.contains("open") || card.classList.contains("matched")) return;
  if (!clock) clock = setInterval(() => { seconds++; showTime(); }, 1000);
  card.classList.add("open");
  card.setAttribute("aria-label", card.dataset.symbol);
  open.push(card);
  if (open.length < 2) return;
  moves++;
  movesEl.textContent = String(moves);
  const [a, b] = open;
  if (a.dataset.symbol === b.dataset.symbol) {
    a.classList.add("matched");
    b.classList.add("matched");
    open = [];
    matched += 2;
    if (matched === SYMBOLS.length * 2) {
      clearInterval(clock);
      message.textContent = "You found every pair in " + moves + " moves and " + timeEl.textContent + "!";
    }
  } else {
    setTimeout(() => {
      for (const c of open) {
        c.classList.remove("open");
        c.setAttribute("aria-label", "Hidden card");
      }
      open = [];
    }, 800);
  }
}

document.getElementById("restart").addEventListener("click", newGame);
newGame();
`;

// The web demo of `npm run demo`: the demo server's live feed (authenticated, dropped every 10
// events) with its connection state and reconnections, and a POST answer streamed token by token.
// Served by the demo server itself, so the URLs are relative.
import { RustEventSource, SseError, type SseEvent } from "rust-eventsource";

const TOKEN = "demo-token";
const CHART_POINTS = 60;
const TABLE_ROWS = 12;
const STATE_NAMES = ["CONNECTING", "OPEN", "CLOSED"] as const;

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`#${id} is missing from index.html`);
  return found as T;
}

const view = {
  state: element("state"),
  eventCount: element("event-count"),
  connections: element("connections"),
  reconnections: element("reconnections"),
  lastId: element("last-id"),
  log: element<HTMLOListElement>("log"),
  events: element<HTMLTableSectionElement>("events"),
  ask: element<HTMLFormElement>("ask"),
  prompt: element<HTMLInputElement>("prompt"),
  answer: element("answer"),
  answerMeta: element("answer-meta"),
};
const chart = document.getElementById("chart") as unknown as SVGSVGElement;

function log(text: string, kind: "open" | "retry" | "error" | "info" = "info"): void {
  const item = document.createElement("li");
  item.className = kind;
  item.textContent = `${new Date().toLocaleTimeString()}  ${text}`;
  view.log.prepend(item);
}

// --- The feed --------------------------------------------------------------------------------

let connections = 0;
let reconnections = 0;
let received = 0;
/** Recent prices, and the indexes (into the same window) where a reconnection happened. */
const prices: number[] = [];
const breaks: number[] = [];

const feed = new RustEventSource("/feed", {
  headers: { Authorization: `Bearer ${TOKEN}` },
  onOpen(response) {
    connections += 1;
    log(`connected: ${response.status} ${response.headers.get("content-type") ?? ""}`, "open");
    if (connections > 1) {
      addRow(`reconnected, resuming after id ${feed.lastEventId}`);
      breaks.push(prices.length);
    }
  },
  onRetry(error, attempt, delay) {
    reconnections += 1;
    const why = error ? `${error.kind} error (${error.message})` : "the stream ended";
    log(`${why}: reconnecting in ${delay} ms, attempt ${attempt}, Last-Event-ID ${feed.lastEventId}`, "retry");
  },
});

function renderState(): void {
  const state = feed.readyState;
  view.state.dataset.state = String(state);
  view.state.textContent = STATE_NAMES[state];
  view.eventCount.textContent = String(received);
  view.connections.textContent = String(connections);
  view.reconnections.textContent = String(reconnections);
  view.lastId.textContent = feed.lastEventId || "none";
}
setInterval(renderState, 100);

function addRow(note: string): HTMLTableRowElement {
  const row = view.events.insertRow(0);
  if (note) {
    row.className = "reconnected";
    const cell = row.insertCell();
    cell.colSpan = 5;
    cell.textContent = note;
  }
  while (view.events.rows.length > TABLE_ROWS) view.events.deleteRow(-1);
  return row;
}

function show(event: SseEvent): void {
  const { symbol, price, time } = JSON.parse(event.data) as { symbol: string; price: number; time: number };
  const row = addRow("");
  for (const text of [event.lastEventId, event.type, symbol, price.toFixed(2), `${Date.now() - time} ms`]) {
    row.insertCell().textContent = text;
  }
  prices.push(price);
  if (prices.length > CHART_POINTS) {
    prices.shift();
    for (let i = 0; i < breaks.length; i++) breaks[i] = (breaks[i] ?? 0) - 1;
    while (breaks.length > 0 && (breaks[0] ?? 0) < 0) breaks.shift();
  }
  drawChart();
}

function drawChart(): void {
  const width = 600;
  const height = 160;
  const low = Math.min(...prices) - 0.5;
  const high = Math.max(...prices) + 0.5;
  const x = (i: number) => (i / (CHART_POINTS - 1)) * width;
  const y = (price: number) => height - ((price - low) / (high - low)) * (height - 20) - 10;
  const points = prices.map((price, i) => `${x(i).toFixed(1)},${y(price).toFixed(1)}`).join(" ");
  const markers = breaks
    .map((i) => `<line x1="${x(i)}" x2="${x(i)}" y1="0" y2="${height}" stroke="#b45309" stroke-dasharray="4 4" />`)
    .join("");
  chart.innerHTML =
    `${markers}<polyline points="${points}" fill="none" stroke="#c2410c" stroke-width="2.5" ` +
    `vector-effect="non-scaling-stroke" stroke-linejoin="round" />`;
}

async function follow(): Promise<void> {
  try {
    for await (const event of feed) {
      received += 1;
      show(event);
    }
    log("the feed ended", "info");
  } catch (error) {
    const text =
      error instanceof SseError
        ? `SseError kind=${error.kind} status=${error.status ?? "-"}: ${error.message}`
        : String(error);
    log(text, "error");
  }
  renderState();
}

// --- The streamed POST answer ---------------------------------------------------------------

async function ask(prompt: string): Promise<void> {
  const button = view.ask.querySelector("button");
  if (button) button.disabled = true;
  view.answer.textContent = "";
  view.answer.dataset.done = "false";
  view.answerMeta.textContent = "";
  const started = performance.now();
  let firstToken = 0;
  let tokens = 0;
  try {
    const answer = new RustEventSource("/complete", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ prompt }),
    });
    for await (const event of answer) {
      if (event.type === "done") break;
      if (tokens === 0) firstToken = performance.now() - started;
      tokens += 1;
      view.answer.textContent += (JSON.parse(event.data) as { token: string }).token;
    }
    const total = performance.now() - started;
    view.answerMeta.textContent = `${tokens} tokens, first after ${firstToken.toFixed(0)} ms, all in ${total.toFixed(0)} ms`;
  } catch (error) {
    view.answerMeta.textContent = `failed: ${String(error)}`;
  } finally {
    view.answer.dataset.done = "true";
    if (button) button.disabled = false;
  }
}

view.ask.addEventListener("submit", (event) => {
  event.preventDefault();
  void ask(view.prompt.value);
});

void follow();
void ask(view.prompt.value);

// A dedicated worker for eventsource.test.ts: the package's EventSource in a worker. Given a URL,
// records its events until the `count`-th, closes it and posts the lines to the page.
import { EventSource } from "../pkg/index.js";

self.onmessage = (message: MessageEvent<{ url: string; count: number }>) => {
  const { url, count } = message.data;
  const source = new EventSource(url);
  const lines: string[] = [];
  const note = (line: string) => {
    lines.push(line);
    if (lines.length < count) return;
    source.close();
    self.postMessage(lines);
  };
  source.onopen = () => note(`open ${source.readyState}`);
  source.onmessage = (event) => note(`message ${event.data} id=${event.lastEventId}`);
  source.onerror = () => note(`error ${source.readyState}`);
};

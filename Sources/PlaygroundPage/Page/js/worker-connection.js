// The session in this tab, in a Web Worker (engine-worker.js): the same interface as the
// WebSocket's Connection (socket.js), so the page does not know which one trains it.

export class WorkerConnection {
  constructor({ hello, onMessage, onStatus }) {
    this.hello = hello; this.onMessage = onMessage; this.onStatus = onStatus;
    this.worker = null; this.ready = false; this.attempt = 0;
  }

  open() {
    this.onStatus("connecting");
    const w = new Worker(new URL("./engine-worker.js", import.meta.url), { type: "module" });
    this.worker = w; this.ready = false;
    w.onmessage = (e) => {
      let m; try { m = JSON.parse(e.data); } catch (_) { return; }
      if (m.type === "ready") { this.ready = true; this.attempt = 0; this.onStatus("open"); this.send(this.hello()); return; }
      if (m.type === "crash") { this.restart(m.message); return; }
      this.onMessage(m);
    };
    w.onerror = (e) => { e.preventDefault(); this.restart(e.message); };
  }

  /** A crashed engine: a new worker, which the page's hello restores (as after a reconnect). */
  restart(reason) {
    if (this.worker) this.worker.terminate();
    this.worker = null; this.ready = false;
    this.onMessage({ type: "error", message: `${reason}; starting it again` });
    const wait = Math.min(5, 0.5 * 2 ** this.attempt++);
    this.onStatus("closed", wait);
    setTimeout(() => this.open(), wait * 1000);
  }

  /** Sends a message; false before the engine is ready (the page's controls are disabled then). */
  send(msg) {
    if (!this.worker || !this.ready) return false;
    this.worker.postMessage(typeof msg === "string" ? msg : JSON.stringify(msg));
    return true;
  }
}

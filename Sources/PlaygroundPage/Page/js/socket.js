// The WebSocket to the server: one per tab, reconnecting by itself when it drops.

/**
 * Opens the socket and keeps it open. `hello()` gives the first message of every
 * connection (configure from the URL, or restore what the page kept); `onStatus` hears
 * "open", "closed" (with the seconds until the next try) and "connecting".
 */
export class Connection {
  constructor({ hello, onMessage, onStatus }) {
    this.hello = hello; this.onMessage = onMessage; this.onStatus = onStatus;
    this.socket = null; this.attempt = 0; this.timer = null;
  }

  open() {
    clearTimeout(this.timer);
    this.onStatus("connecting");
    const s = new WebSocket(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws`);
    this.socket = s;
    s.onopen = () => { this.attempt = 0; this.onStatus("open"); this.send(this.hello()); };
    s.onmessage = (e) => { let m; try { m = JSON.parse(e.data); } catch (_) { return; } this.onMessage(m); };
    s.onclose = () => {
      if (this.socket !== s) return;
      // Back off: 0.5 s, 1 s, 2 s, … up to 5 s between tries.
      const wait = Math.min(5, 0.5 * 2 ** this.attempt++);
      this.onStatus("closed", wait);
      this.timer = setTimeout(() => this.open(), wait * 1000);
    };
  }

  /** Sends a message; false when not connected (the page disables its controls then). */
  send(msg) {
    if (!this.socket || this.socket.readyState !== 1) return false;
    this.socket.send(typeof msg === "string" ? msg : JSON.stringify(msg));
    return true;
  }
}

// The room's WebSocket: JSON frames in and out, reconnect with jittered backoff.
// It knows nothing of music: the studio passes every message to its RoomClient, which catches up
// with `sync` (and re-sends pending edits) on every open.

/** Close code of a connection the server shed because it fell too far behind (docs/protocol.md). */
export const TOO_SLOW = 4008;
/** After a 4008 the first retry waits at least this long (x0.5-1.5): the link, or the server, needs air. */
export const TOO_SLOW_DELAY_MS = 2000;

export class RoomSocket {
  /**
   * @param {string} url ws(s)://host/ws/pieces/<id>/
   * @param {{onMessage: (m: object) => void, onOpen: () => void, onClose: (code: number) => void}} handlers
   */
  constructor(url, handlers) {
    Object.assign(this, { url, handlers, socket: null, delay: 500, closed: false });
    this.connect();
  }

  connect() {
    const socket = new WebSocket(this.url);
    this.socket = socket;
    socket.onopen = () => { this.delay = 500; this.handlers.onOpen(); };
    socket.onmessage = (frame) => this.handlers.onMessage(JSON.parse(frame.data));
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.handlers.onClose(event?.code);
      if (this.closed) return;
      if (event?.code === TOO_SLOW) this.delay = Math.max(this.delay, TOO_SLOW_DELAY_MS);
      // Jitter spreads a whole class reconnecting after a server restart.
      setTimeout(() => this.connect(), this.delay * (0.5 + Math.random()));
      this.delay = Math.min(this.delay * 2, 8000);
    };
  }

  get open() { return this.socket?.readyState === WebSocket.OPEN; }

  /** Send when connected; while offline the RoomClient keeps pending edits and re-sends them. */
  send(message) {
    if (this.open) this.socket.send(JSON.stringify(message));
  }

  close() {
    this.closed = true;
    this.socket?.close();
  }
}

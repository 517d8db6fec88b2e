// The room's WebSocket: JSON frames in and out, reconnect with jittered backoff.
// It knows nothing of music: the studio passes every message to its RoomClient.

export class RoomSocket {
  /**
   * @param {string} url ws(s)://host/ws/pieces/<id>/
   * @param {{onMessage: (m: object) => void, onOpen: () => void, onClose: () => void}} handlers
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
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.handlers.onClose();
      if (this.closed) return;
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

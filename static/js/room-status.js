// A live line on the piece page: connection, current edit number, who is here.
// The full editor (the piano roll) replaces this; it speaks the same protocol.
const script = document.getElementById("room-status");
const pieceId = script.dataset.piece;
const seqEl = document.getElementById("seq");
const connEl = document.getElementById("connection");
let present = new Set();
let me = null;

function showPresence() {
  for (const li of document.querySelectorAll("#members li")) {
    li.querySelector(".here").hidden = !present.has(Number(li.dataset.user));
  }
}

function connect(delay = 500) {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const socket = new WebSocket(`${scheme}://${location.host}/ws/pieces/${pieceId}/`);
  socket.onopen = () => { connEl.textContent = "online"; connEl.className = "online"; delay = 500; };
  socket.onmessage = (frame) => {
    const message = JSON.parse(frame.data);
    if (message.type === "welcome") { me = message.you.id; seqEl.textContent = message.seq; }
    if (message.type === "event") seqEl.textContent = message.seq;
    // join, leave and welcome carry the whole list, so a missed one heals at the next.
    if (message.present) present = new Set([...message.present, me]);
    showPresence();
  };
  socket.onclose = () => {
    connEl.textContent = "offline"; connEl.className = "offline";
    setTimeout(() => connect(Math.min(delay * 2, 10000)), delay + Math.random() * delay);
  };
}
connect();

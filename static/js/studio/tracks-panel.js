// The track list: pick the track you draw on, tick the tracks the AI writes, mute/solo, and see
// who each track belongs to (locked for you when "own tracks only" is on).

export class TracksPanel {
  /** @param {{onChange: Function}} studio */
  constructor(studio) {
    this.studio = studio;
    this.list = document.getElementById("track-list");
    this.active = null;
    this.forAi = new Set();
    this.muted = new Set();
    this.solo = new Set();
    this.list.addEventListener("click", (event) => this.onClick(event));
  }

  /** Redraw for this state; `locked` are the tracks you may not edit. */
  render(state, { members, locked }) {
    const tracks = state.tracks;
    if (!tracks.some((t) => t.id === this.active)) {
      this.active = (tracks.find((t) => !locked.has(t.id)) ?? tracks[0])?.id ?? null;
    }
    for (const id of [...this.forAi]) if (!tracks.some((t) => t.id === id)) this.forAi.delete(id);
    const name = (id) => members.find((m) => m.id === id)?.name;
    this.list.innerHTML = "";
    for (const track of tracks) {
      const li = document.createElement("li");
      li.dataset.track = track.id;
      li.className = [track.id === this.active && "active", locked.has(track.id) && "locked"].filter(Boolean).join(" ");
      const owner = track.owner ? members.find((m) => m.id === track.owner) : null;
      li.title = owner ? `assigned to ${name(track.owner)}` : "anyone may edit";
      li.innerHTML = `<input type="checkbox" data-ai title="The AI writes this track" ${this.forAi.has(track.id) ? "checked" : ""}>
        <span class="swatch" style="background:${owner?.colour ?? "#c7cdd9"}"></span>
        <span class="name"></span>${locked.has(track.id) ? " 🔒" : ""}
        <span class="toggles"><button type="button" data-mute aria-pressed="${this.muted.has(track.id)}" title="Mute">M</button><button
          type="button" data-solo aria-pressed="${this.solo.has(track.id)}" title="Solo">S</button></span>`;
      li.querySelector(".name").textContent = track.name;
      this.list.append(li);
    }
  }

  onClick(event) {
    const li = event.target.closest("li");
    if (!li) return;
    const id = li.dataset.track;
    if (event.target.matches("[data-ai]")) {
      event.target.checked ? this.forAi.add(id) : this.forAi.delete(id);
    } else if (event.target.matches("[data-mute]")) {
      this.muted.has(id) ? this.muted.delete(id) : this.muted.add(id);
    } else if (event.target.matches("[data-solo]")) {
      this.solo.has(id) ? this.solo.delete(id) : this.solo.add(id);
    } else {
      this.active = id;
    }
    this.studio.onChange();
  }

  /** Whether a track is heard, after mute and solo. */
  audible(trackId) {
    if (this.solo.size) return this.solo.has(trackId);
    return !this.muted.has(trackId);
  }
}

// Scrubbing fetches the piece's state at a seq; dragging the slider asks for many in a row. The loader
// keeps answers it has (a small cache) and hands on only the answer to the newest question, so a slow
// old answer never paints over a newer one.

export class StateLoader {
  /**
   * @param {(seq: number) => Promise<object>} fetchState asks the server for {seq, state}
   * @param {{keep?: number}} [options] how many states to cache
   */
  constructor(fetchState, { keep = 64 } = {}) {
    this.fetchState = fetchState;
    this.keep = keep;
    this.cache = new Map();
    this.newest = 0;
  }

  /**
   * The state at `seq`, or null when a newer `load` was made before this one finished.
   * Errors of the newest question are thrown; older ones are dropped like their answers.
   */
  async load(seq) {
    const ticket = ++this.newest;
    let answer = this.cache.get(seq);
    if (!answer) {
      try {
        answer = await this.fetchState(seq);
      } catch (error) {
        if (ticket !== this.newest) return null;
        throw error;
      }
      this.remember(seq, answer);
    }
    return ticket === this.newest ? answer : null;
  }

  remember(seq, answer) {
    this.cache.delete(seq);
    this.cache.set(seq, answer);
    while (this.cache.size > this.keep) this.cache.delete(this.cache.keys().next().value);
  }
}

/** A seq the scrubber may show: an integer in 0..head (anything else is clamped or refused). */
export function clampSeq(value, head) {
  const seq = Math.round(Number(value));
  if (!Number.isFinite(seq)) return 0;
  return Math.min(Math.max(seq, 0), head);
}

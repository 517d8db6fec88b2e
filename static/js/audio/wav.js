// WAV files from rendered audio: 16-bit PCM, little-endian, interleaved channels. Pure (no DOM): takes
// Float32Array channels in -1..1, as an AudioBuffer's getChannelData gives them. With a time reference the
// file is a Broadcast WAV: its `bext` chunk says at which sample after midnight it starts, so an editor
// can place it under the picture at bar 1's timecode ("spot to original time stamp").

const BEXT_BYTES = 602; // EBU Tech 3285 version 1, without coding history

/**
 * @param {Float32Array[]} channels one array per channel, all the same length
 * @param {number} sampleRate
 * @param {{timeReference?: number, description?: string}} [bwf] the start in samples since 00:00:00:00
 * @returns {Uint8Array} a complete RIFF/WAVE file
 */
export function encodeWav(channels, sampleRate, { timeReference, description = "" } = {}) {
  const count = channels.length;
  const frames = channels[0]?.length ?? 0;
  const dataBytes = frames * count * 2;
  const bext = timeReference === undefined ? 0 : 8 + BEXT_BYTES;
  const out = new Uint8Array(44 + bext + dataBytes);
  const view = new DataView(out.buffer);
  const text = (at, s, max = s.length) => { for (let i = 0; i < Math.min(s.length, max); i++) out[at + i] = s.charCodeAt(i) & 0x7f; };
  text(0, "RIFF");
  view.setUint32(4, 36 + bext + dataBytes, true);
  text(8, "WAVE");
  let at = 12;
  if (bext) {
    text(at, "bext");
    view.setUint32(at + 4, BEXT_BYTES, true);
    text(at + 8, description, 256);
    text(at + 8 + 256, "composer studio", 32);
    const samples = Math.max(0, Math.round(timeReference));
    view.setUint32(at + 8 + 338, samples % 2 ** 32, true); // after description, originator, reference, date, time
    view.setUint32(at + 8 + 342, Math.floor(samples / 2 ** 32), true);
    view.setUint16(at + 8 + 346, 1, true); // version
    at += bext;
  }
  text(at, "fmt ");
  view.setUint32(at + 4, 16, true);          // the fmt chunk's size
  view.setUint16(at + 8, 1, true);           // PCM
  view.setUint16(at + 10, count, true);
  view.setUint32(at + 12, sampleRate, true);
  view.setUint32(at + 16, sampleRate * count * 2, true); // bytes a second
  view.setUint16(at + 20, count * 2, true);   // bytes a frame
  view.setUint16(at + 22, 16, true);          // bits a sample
  text(at + 24, "data");
  view.setUint32(at + 28, dataBytes, true);
  at += 32;
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < count; c++) {
      const v = Math.max(-1, Math.min(1, channels[c][i]));
      view.setInt16(at, v < 0 ? Math.round(v * 0x8000) : Math.round(v * 0x7fff), true);
      at += 2;
    }
  }
  return out;
}

// Web MIDI input where the browser has it: every connected keyboard, hot-plugged ones too.
import { parseMidiMessage } from "./messages.js";

/**
 * Listen to all MIDI inputs. Resolves to a short status text; `onEvent` gets parsed note events.
 * @param {(event: object) => void} onEvent
 */
export async function listenToMidi(onEvent) {
  if (!navigator.requestMIDIAccess) return "this browser has no Web MIDI";
  let access;
  try {
    access = await navigator.requestMIDIAccess({ sysex: false });
  } catch {
    return "MIDI access was refused";
  }
  const attach = () => {
    for (const input of access.inputs.values()) {
      input.onmidimessage = (message) => {
        const event = parseMidiMessage(message.data);
        if (event) onEvent(event);
      };
    }
  };
  attach();
  access.onstatechange = attach;
  const names = [...access.inputs.values()].map((i) => i.name);
  return names.length ? `MIDI: ${names.join(", ")}` : "MIDI: no keyboard connected";
}

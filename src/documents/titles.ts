// Record text that ends up in editor tab titles, quick picks and messages. Pure.
import { oneLine } from '../views/presentation';

// Bidi overrides/isolates and invisible format characters could reorder or hide parts of a
// title (a name that reads as another file); they are shown as \uXXXX instead.
const FORMAT_CHARS = /[\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff]/g;

/** One line, control and bidi characters made visible, at most `max` characters. */
export function titleText(text: string | null | undefined, max = 60): string {
  const visible = (text ?? '').replace(FORMAT_CHARS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return oneLine(visible, max);
}

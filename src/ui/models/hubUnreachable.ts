import { HUB_HOSTS } from './hubSource';

/** How browsers word a fetch that never got an answer: Chromium, Firefox, Safari. */
const NO_ANSWER = /failed to fetch|networkerror|load failed|network error|err_internet_disconnected|err_name_not_resolved/i;

/**
 * A Hub error as the user can act on it: a request that got no answer at all means the Hub cannot
 * be reached from here, and the offline route is the way; other errors (a 404, a licence to
 * accept) say what they are already.
 */
export function hubErrorMessage(message: string): string {
  if (!NO_ANSWER.test(message)) return message;
  return `The Hugging Face Hub (${HUB_HOSTS[0]}) cannot be reached from this page (offline, or blocked by a network filter): on a machine that can reach it, run builder pull, then bring the folder here with Load model folder (Other ways to get it).`;
}

import { useAppState } from './appStateStore';
import { KNOWN_ANSWER_EXAMPLE } from './knownAnswerExample';

/** Try the example: the example's file, its target ticked, its prompt, definition mode and its model; Generate then shows the known-answer model's result. */
export function openKnownAnswerExample(): void {
  const { fileName, text, target, prompt, settings } = KNOWN_ANSWER_EXAMPLE;
  const state = useAppState.getState();
  state.openText(text, fileName);
  state.setChecked(target, true);
  state.setPrompt(prompt);
  state.setMode('definition');
  state.setSettings(settings);
  state.setNotice({ kind: 'info', message: `Opened the example: ${target} is ticked, the prompt written and the known-answer test model chosen. Press Generate.` });
}

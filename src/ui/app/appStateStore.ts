import { create } from 'zustand';
import { persist } from 'zustand/middleware';
import { configFromJson, type DiffusionConfigInput, PRESET_NAMES } from '../../models/diffusionConfig';
import { isLanguageId, type LanguageId } from '../../syntax/languages';
import { MASK_MODES, type MaskMode } from '../../syntax/maskSpans';
import type { LineColumn } from '../../syntax/sourceText';
import { savedStateStorage } from './savedState';

export interface Notice {
  kind: 'error' | 'info';
  message: string;
}

const EXAMPLE = `import math


def area(radius: float) -> float:
    """The area of a circle."""
    return math.pi * radius ** 2


class Shape:
    def __init__(self, name: str):
        self.name = name

    def describe(self) -> str:
        return f"{self.name} with area {area(1.0):.2f}"
`;

export interface AppState {
  text: string;
  fileName: string;
  /** null: detect from the file name and content. */
  languageOverride: LanguageId | null;
  /** Ticked outline entries, by `targetKey`. */
  checked: string[];
  mode: MaskMode;
  prompt: string;
  cursor: LineColumn;
  /** Generation settings as the user set them: a preset and overrides, validated on use. */
  settings: DiffusionConfigInput;
  notice: Notice | null;
  hydrated: boolean;
  setText(text: string): void;
  openText(text: string, fileName: string): void;
  setLanguageOverride(language: LanguageId | null): void;
  setChecked(key: string, checked: boolean): void;
  setMode(mode: MaskMode): void;
  setPrompt(prompt: string): void;
  setCursor(cursor: LineColumn): void;
  setSettings(settings: DiffusionConfigInput): void;
  setNotice(notice: Notice | null): void;
}

/** The IndexedDB key of the saved session. */
export const SAVED_SESSION_KEY = 'builder-state';

type SavedSession = Pick<AppState, 'text' | 'fileName' | 'languageOverride' | 'checked' | 'mode' | 'prompt' | 'cursor' | 'settings'>;

const isPositiveInteger = (value: unknown) => Number.isInteger(value) && (value as number) >= 1;

function isSettings(value: unknown): boolean {
  try {
    // Unknown keys or a preset that does not exist would break the settings panel; bad values
    // of known settings are the user's to see and fix, field by field.
    const settings = configFromJson(JSON.stringify(value));
    return settings.preset === undefined || PRESET_NAMES.includes(settings.preset);
  } catch {
    return false;
  }
}

/** What each saved field must be for the app to start with it. */
const SAVED_FIELDS: { [K in keyof SavedSession]: (value: unknown) => boolean } = {
  text: (value) => typeof value === 'string',
  fileName: (value) => typeof value === 'string' && value !== '',
  languageOverride: (value) => value === null || (typeof value === 'string' && isLanguageId(value)),
  checked: (value) => Array.isArray(value) && value.every((key) => typeof key === 'string'),
  mode: (value) => MASK_MODES.includes(value as MaskMode),
  prompt: (value) => typeof value === 'string',
  cursor: (value) => typeof value === 'object' && value !== null && isPositiveInteger((value as LineColumn).line) && isPositiveInteger((value as LineColumn).column),
  settings: isSettings,
};

const FIELD_LABELS: Record<keyof SavedSession, string> = {
  text: 'editor text',
  fileName: 'file name',
  languageOverride: 'language',
  checked: 'ticked targets',
  mode: 'mode',
  prompt: 'prompt',
  cursor: 'cursor',
  settings: 'settings',
};

/** The saved fields that are sound, over the defaults; a notice names those that were not. */
function mergeSavedSession(saved: unknown, current: AppState): AppState {
  const record = (saved ?? {}) as Record<string, unknown>;
  const kept: Partial<SavedSession> = {};
  const discarded: string[] = [];
  for (const key of Object.keys(SAVED_FIELDS) as (keyof SavedSession)[]) {
    if (!(key in record)) continue;
    if (SAVED_FIELDS[key](record[key])) Object.assign(kept, { [key]: record[key] });
    else discarded.push(FIELD_LABELS[key]);
  }
  const notice: Notice | null = discarded.length
    ? { kind: 'error', message: `The saved ${discarded.join(', ')} could not be used and ${discarded.length > 1 ? 'were' : 'was'} reset; the rest of your session is back.` }
    : current.notice;
  return { ...current, ...kept, notice };
}

export const useAppState = create<AppState>()(
  persist(
    (setState) => ({
      text: EXAMPLE,
      fileName: 'example.py',
      languageOverride: null,
      checked: [],
      mode: 'definition',
      prompt: '',
      cursor: { line: 1, column: 1 },
      settings: { preset: 'demo' },
      notice: null,
      hydrated: false,
      setText: (text) => setState({ text }),
      openText: (text, fileName) => setState({ text, fileName, languageOverride: null, checked: [], cursor: { line: 1, column: 1 }, notice: { kind: 'info', message: `Opened ${fileName}.` } }),
      setLanguageOverride: (languageOverride) => setState({ languageOverride }),
      setChecked: (key, checked) => setState((state) => ({ checked: checked ? [...new Set([...state.checked, key])] : state.checked.filter((k) => k !== key) })),
      setMode: (mode) => setState({ mode }),
      setPrompt: (prompt) => setState({ prompt }),
      setCursor: (cursor) => setState({ cursor }),
      setSettings: (settings) => setState({ settings }),
      setNotice: (notice) => setState({ notice }),
    }),
    {
      name: SAVED_SESSION_KEY,
      version: 1,
      storage: savedStateStorage<SavedSession>(),
      merge: mergeSavedSession,
      partialize: ({ text, fileName, languageOverride, checked, mode, prompt, cursor, settings }): SavedSession => ({ text, fileName, languageOverride, checked, mode, prompt, cursor, settings }),
      onRehydrateStorage: () => (_state, error) => {
        useAppState.setState({
          hydrated: true,
          ...(error ? { notice: { kind: 'error', message: 'The saved session could not be read, so it was set aside and the app started fresh.' } } : {}),
        });
      },
    },
  ),
);

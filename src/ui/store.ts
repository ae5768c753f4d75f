import { create } from 'zustand';
import { createJSONStorage, persist } from 'zustand/middleware';
import type { DiffusionConfigInput } from '../core/diffusionConfig';
import type { LanguageId } from '../core/languages';
import type { MaskMode } from '../core/maskSpans';
import type { LineColumn } from '../core/sourceText';
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
      openText: (text, fileName) =>
        setState({ text, fileName, languageOverride: null, checked: [], cursor: { line: 1, column: 1 }, notice: { kind: 'info', message: `Opened ${fileName}.` } }),
      setLanguageOverride: (languageOverride) => setState({ languageOverride }),
      setChecked: (key, checked) =>
        setState((state) => ({ checked: checked ? [...new Set([...state.checked, key])] : state.checked.filter((k) => k !== key) })),
      setMode: (mode) => setState({ mode }),
      setPrompt: (prompt) => setState({ prompt }),
      setCursor: (cursor) => setState({ cursor }),
      setSettings: (settings) => setState({ settings }),
      setNotice: (notice) => setState({ notice }),
    }),
    {
      name: 'builder-state',
      version: 1,
      storage: createJSONStorage(savedStateStorage),
      partialize: ({ text, fileName, languageOverride, checked, mode, prompt, cursor, settings }) => ({ text, fileName, languageOverride, checked, mode, prompt, cursor, settings }),
      onRehydrateStorage: () => (_state, error) => {
        useAppState.setState({
          hydrated: true,
          ...(error ? { notice: { kind: 'error', message: 'The saved session could not be read and was set aside; starting fresh.' } } : {}),
        });
      },
    },
  ),
);

import { useState } from 'react';
import {
  ConfigError,
  configToQuery,
  createDiffusionConfig,
  type DiffusionConfig,
  type DiffusionConfigInput,
  PRESET_NAMES,
  type PresetName,
  SAMPLER_CHOICES,
  type SamplerChoice,
} from '../../models/diffusionConfig';
import { PRECISION_CHOICES } from '../../models/modelPrecision';
import { SCHEDULES } from '../../models/noiseSchedule';
import { parsePlans, type RefactorPlan } from '../../plan/refactorPlan';
import { MAX_SEED } from '../../random/rng';
import { GenerationMessage } from './GenerationMessage';
import { useGeneration } from './generationStore';
import { RunEstimate } from './RunEstimate';
import { useWarmUp } from './warmUpStore';

/** The sampler choices in words: which authors' algorithm each one is. */
const SAMPLER_LABELS: Record<SamplerChoice, string> = {
  authors: "The model's authors'",
  mdlm: 'dLLM MDLM',
  bd3lm: 'dLLM BD3LM',
  dream: 'Dream / CoDA entropy',
  p2: 'Open-dLLM p2',
  'fast-dllm-v2': 'Fast-dLLM v2 sub-block threshold',
  sdar: 'SDAR block decoding',
  builder: "Builder's own",
};

export interface GeneratePanelProps {
  settings: DiffusionConfigInput;
  onSettingsChange(settings: DiffusionConfigInput): void;
  /** Why Generate cannot run now, if it cannot (no targets, no analysis). */
  blockedBecause: string | null;
  onGenerate(config: DiffusionConfig): void;
  /** Runs the plans of an imported plans file against the open file, one patch each. */
  onGenerateBatch(plans: RefactorPlan[], config: DiffusionConfig): void;
  /** The definition at the editor's cursor, to regenerate alone; null where there is none or it cannot run. */
  atCursor: AtCursor | null;
}

/** The definition at the cursor, by its outline key, and the run that regenerates it alone. */
export interface AtCursor {
  name: string;
  generate(config: DiffusionConfig): void;
}

type NumberKey = 'steps' | 'seed' | 'cfgScale' | 'temperature' | 'topP' | 'strength' | 'maxRemaskRounds' | 'cacheInterval' | 'parallelThreshold' | 'contextTokens';

interface NumberField {
  key: NumberKey;
  label: string;
  help: string;
  /** The range the app takes; the engine's own rules (createDiffusionConfig) apply within it. */
  min: number;
  max: number;
}

/** The settings everyone uses. */
const BASIC_FIELDS: NumberField[] = [
  { key: 'steps', label: 'Steps', help: 'Denoising steps: more is slower and usually better; 0 takes the model authors’ own.', min: 0, max: 1024 },
  { key: 'seed', label: 'Seed', help: 'The same seed and inputs give the same result; Another candidate picks a new one.', min: 0, max: MAX_SEED },
];

/** The rest, one line of help each. */
const ADVANCED_FIELDS: NumberField[] = [
  { key: 'cfgScale', label: 'Guidance (cfg)', help: 'How strongly the prompt steers the model; 1 turns guidance off and halves the work.', min: 0, max: 20 },
  { key: 'temperature', label: 'Temperature', help: '0 always takes the likeliest token; higher is more varied.', min: 0, max: 5 },
  { key: 'topP', label: 'Top-p', help: 'Sample only from the likeliest tokens that make up this share of the chance.', min: 0.01, max: 1 },
  { key: 'strength', label: 'Strength', help: 'Share of the original code masked: below 1 keeps part of it as a hint.', min: 0.01, max: 1 },
  { key: 'maxRemaskRounds', label: 'Remask rounds', help: 'Rounds that mask and redo tokens the parser finds broken.', min: 0, max: 10 },
  { key: 'cacheInterval', label: 'Cache refresh interval', help: 'Steps between full passes that refresh the cached context; 0 never caches.', min: 0, max: 1024 },
  { key: 'parallelThreshold', label: 'Parallel threshold', help: 'Reveal every token at least this likely in one step; 0 is off.', min: 0, max: 1 },
  { key: 'contextTokens', label: 'Context tokens', help: 'Most tokens of the file the model sees around the targets.', min: 64, max: 1_048_576 },
];

const RANGES = Object.fromEntries([...BASIC_FIELDS, ...ADVANCED_FIELDS].map((field) => [field.key, field]));

/** The settings as validated, or the message of each bad field: out of the app's range first, then the engine's rules. */
function validatedSettings(settings: DiffusionConfigInput): { config: DiffusionConfig | null; fields: Record<string, string> } {
  const outOfRange: Record<string, string> = {};
  for (const [key, { label, min, max }] of Object.entries(RANGES)) {
    const value = settings[key as NumberKey];
    if (typeof value === 'number' && (!Number.isFinite(value) || value < min || value > max)) outOfRange[key] = `${label} must be from ${min} to ${max}.`;
  }
  try {
    const config = createDiffusionConfig(settings);
    return Object.keys(outOfRange).length > 0 ? { config: null, fields: outOfRange } : { config, fields: {} };
  } catch (error) {
    if (error instanceof ConfigError) return { config: null, fields: { ...outOfRange, ...error.fields } };
    throw error;
  }
}

/** Settings, Generate and Cancel. */
export function GeneratePanel({ settings, onSettingsChange, blockedBecause, onGenerate, onGenerateBatch, atCursor }: GeneratePanelProps) {
  const generation = useGeneration();
  const warmUp = useWarmUp();
  const [plansError, setPlansError] = useState<string | null>(null);
  const [shared, setShared] = useState<string | null>(null);
  const [advancedOpen, setAdvancedOpen] = useState(false);
  // Another candidate: the same request with a seed not used yet; the result it replaces waits under Earlier results.
  const generateAnother = (config: DiffusionConfig) => {
    const seed = (config.seed + 1 + Math.floor(Math.random() * 1_000_000)) % (MAX_SEED + 1);
    onSettingsChange({ ...settings, seed });
    onGenerate({ ...config, seed });
  };
  const runtime = generation.runtime ?? warmUp.runtime;
  const importPlans = async (file: File | undefined) => {
    if (!file || !config) return;
    try {
      setPlansError(null);
      onGenerateBatch(parsePlans(await file.text(), file.name), config);
    } catch (error) {
      setPlansError((error as Error).message);
    }
  };
  const { config, fields } = validatedSettings(settings);
  const running = generation.status === 'running';
  // A setting chosen from a list, with its one line of help.
  const choiceField = <K extends 'sampler' | 'schedule'>(key: K, label: string, choices: readonly DiffusionConfig[K][], labelOf: (choice: DiffusionConfig[K]) => string, help: string) => (
    <div className="setting">
      <label>
        <span>{label}</span>
        <select
          aria-label={label}
          aria-describedby={`help-${key}`}
          value={settings[key] ?? createDiffusionConfig({ preset: settings.preset })[key]}
          onChange={(e) => onSettingsChange({ ...settings, [key]: e.target.value })}
        >
          {choices.map((choice) => (
            <option key={choice} value={choice}>
              {labelOf(choice)}
            </option>
          ))}
        </select>
      </label>
      <span id={`help-${key}`} className="setting-help">
        {help}
      </span>
    </div>
  );
  const numberField = ({ key, label, help, min, max }: NumberField) => (
    <div key={key} className="setting">
      <label>
        <span>{label}</span>
        <input
          type="number"
          aria-label={label}
          aria-invalid={fields[key] ? true : undefined}
          aria-describedby={`help-${key}`}
          min={min}
          max={max}
          value={String(settings[key] ?? createDiffusionConfig({ preset: settings.preset })[key])}
          onChange={(e) => onSettingsChange({ ...settings, [key]: e.target.value === '' ? undefined : Number(e.target.value) })}
        />
      </label>
      <span id={`help-${key}`} className="setting-help">
        {help}
      </span>
      {fields[key] && (
        <span className="field-error" role="alert">
          {fields[key]}
        </span>
      )}
    </div>
  );
  return (
    <div className="generate-panel">
      <div className="buttons">
        <button type="button" className="primary" disabled={running || !config || blockedBecause !== null} title={blockedBecause ?? undefined} onClick={() => config && onGenerate(config)}>
          Generate
        </button>
        <button
          type="button"
          disabled={running || !config || blockedBecause !== null}
          title="Run again with a new seed; the result shown now stays beside the new one under Candidates, to pick from"
          onClick={() => config && generateAnother(config)}
        >
          Another candidate
        </button>
        <button type="button" disabled={!running} onClick={generation.cancel}>
          Cancel
        </button>
        <button
          type="button"
          className="at-cursor"
          disabled={running || !config || !atCursor}
          aria-keyshortcuts="Control+Shift+Enter"
          title="Tick only the definition at the editor's cursor and generate it again (Ctrl+Shift+Enter, or the editor's context menu)"
          onClick={() => config && atCursor?.generate(config)}
        >
          {atCursor ? `Rewrite ${atCursor.name} only` : 'Rewrite at cursor'}
        </button>
      </div>
      <RunEstimate config={config} runtime={runtime} />
      {blockedBecause && !running && <p className="muted small blocked">{blockedBecause}</p>}
      {!config && !running && <p className="field-error small">Fix the settings marked below to generate.</p>}
      <GenerationMessage announce={false} />
      <fieldset>
        <legend>Settings</legend>
        <label className="setting">
          Preset
          <select aria-label="Preset" value={settings.preset ?? 'demo'} onChange={(e) => onSettingsChange({ preset: e.target.value as PresetName })}>
            {PRESET_NAMES.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </label>
        {BASIC_FIELDS.map(numberField)}
        {/* Short options, with what Auto means on a help line: the long ones were cut off in the narrow column. */}
        <div className="setting">
          <label>
            <span>Backend</span>
            <select
              aria-label="Backend"
              aria-describedby="help-backend"
              value={settings.backend ?? 'auto'}
              onChange={(e) => onSettingsChange({ ...settings, backend: e.target.value as DiffusionConfig['backend'] })}
            >
              <option value="auto">Auto</option>
              <option value="webgpu">WebGPU</option>
              <option value="wasm">WASM</option>
            </select>
          </label>
          <span id="help-backend" className="setting-help">
            Auto: WebGPU where the browser has a GPU adapter, else WASM (CPU).
          </span>
        </div>
        <div className="setting">
          <label>
            <span>Precision</span>
            <select
              aria-label="Precision"
              aria-describedby="help-precision"
              value={settings.precision ?? 'auto'}
              onChange={(e) => onSettingsChange({ ...settings, precision: e.target.value as DiffusionConfig['precision'] })}
            >
              {PRECISION_CHOICES.map((choice) => (
                <option key={choice} value={choice}>
                  {choice === 'auto' ? 'Auto' : choice}
                </option>
              ))}
            </select>
          </label>
          <span id="help-precision" className="setting-help">
            Auto: q4 on WebGPU, q8 on WASM.
          </span>
        </div>
        <label className="setting">
          <span>
            <input type="checkbox" checked={settings.fallback ?? true} onChange={(e) => onSettingsChange({ ...settings, fallback: e.target.checked })} /> Autoregressive fallback
          </span>
        </label>
        <details className="advanced" open={advancedOpen || ADVANCED_FIELDS.some(({ key }) => fields[key])} onToggle={(e) => setAdvancedOpen(e.currentTarget.open)}>
          <summary>Advanced settings</summary>
          {ADVANCED_FIELDS.map(numberField)}
          {choiceField(
            'sampler',
            'Sampler',
            SAMPLER_CHOICES,
            (sampler) => SAMPLER_LABELS[sampler],
            "The model's authors' sampler runs it as they measured it; Builder's own adds schedules, guidance, the context cache and parallel decoding.",
          )}
          {choiceField('schedule', 'Schedule', SCHEDULES, (schedule) => schedule, 'How fast the masks clear over the steps.')}
        </details>
      </fieldset>
      <div className="buttons">
        <label className={`button${running || !config ? ' disabled' : ''}`} title="Run a plans file (RefactorPlan[] JSON, as builder batch takes) against the open file, one patch per plan">
          Import plans
          <input
            type="file"
            accept=".json,application/json"
            className="visually-hidden"
            disabled={running || !config}
            onChange={(e) => void importPlans(e.target.files?.[0]).then(() => (e.target.value = ''))}
          />
        </label>
        <button
          type="button"
          disabled={!config}
          title="Copy a link that opens Builder with these settings"
          onClick={() =>
            config &&
            void navigator.clipboard.writeText(`${location.origin}${location.pathname}?${configToQuery(config)}`).then(
              () => setShared('Link copied.'),
              () => setShared('The browser did not let the page write to the clipboard.'),
            )
          }
        >
          Share settings
        </button>
        {shared && (
          <span className="small" role="status">
            {shared}
          </span>
        )}
      </div>
      {plansError && (
        <p className="notice notice-error" role="alert">
          {plansError}
        </p>
      )}
      <p className="muted small runtime" role="note" aria-label="Runtime">
        {runtime ? `Runs on ${runtime.label}, ${runtime.precision}` : 'Backend chosen at the first run'}
        {warmUp.status === 'warming' && ' · warming up the model…'}
        {warmUp.status === 'ready' && warmUp.milliseconds !== null && ` · warmed up in ${(warmUp.milliseconds / 1000).toFixed(1)} s`}
      </p>
      {runtime?.notices.map((notice) => (
        <p key={notice} className="notice notice-warning" role="status">
          {notice}
        </p>
      ))}
    </div>
  );
}

import { useState } from 'react';
import { ConfigError, configToQuery, createDiffusionConfig, type DiffusionConfig, type DiffusionConfigInput, PRESET_NAMES, type PresetName } from '../core/diffusionConfig';
import { PRECISION_CHOICES } from '../core/modelPrecision';
import { SCHEDULES } from '../core/noiseSchedule';
import { parsePlans, type RefactorPlan } from '../core/refactorPlan';
import { GenerationMessage } from './GenerationMessage';
import { useGeneration } from './generationStore';
import { useWarmUp } from './warmUpStore';

export interface GeneratePanelProps {
  settings: DiffusionConfigInput;
  onSettingsChange(settings: DiffusionConfigInput): void;
  /** Why Generate cannot run now, if it cannot (no targets, no analysis). */
  blockedBecause: string | null;
  onGenerate(config: DiffusionConfig): void;
  /** Runs the plans of an imported plans file against the open file, one patch each. */
  onGenerateBatch(plans: RefactorPlan[], config: DiffusionConfig): void;
}

/** The settings as validated, or the message of each bad field. */
function validatedSettings(settings: DiffusionConfigInput): { config: DiffusionConfig | null; fields: Record<string, string> } {
  try {
    return { config: createDiffusionConfig(settings), fields: {} };
  } catch (error) {
    if (error instanceof ConfigError) return { config: null, fields: error.fields };
    throw error;
  }
}

const NUMBER_FIELDS = [
  ['steps', 'Steps'],
  ['cfgScale', 'Guidance (cfg)'],
  ['temperature', 'Temperature'],
  ['topP', 'Top-p'],
  ['seed', 'Seed'],
  ['strength', 'Strength'],
  ['maxRemaskRounds', 'Remask rounds'],
  ['cacheInterval', 'Cache refresh interval'],
  ['parallelThreshold', 'Parallel threshold'],
  ['contextTokens', 'Context tokens'],
] as const;

/** Settings, Generate and Cancel. */
export function GeneratePanel({ settings, onSettingsChange, blockedBecause, onGenerate, onGenerateBatch }: GeneratePanelProps) {
  const generation = useGeneration();
  const warmUp = useWarmUp();
  const [plansError, setPlansError] = useState<string | null>(null);
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
  return (
    <div className="generate-panel">
      <fieldset>
        <legend>Settings</legend>
        {NUMBER_FIELDS.map(([key, label]) => (
          <label key={key} className="setting">
            {label}
            <input
              type="number"
              aria-label={label}
              aria-invalid={fields[key] ? true : undefined}
              value={String(settings[key] ?? createDiffusionConfig({ preset: settings.preset })[key])}
              onChange={(e) => onSettingsChange({ ...settings, [key]: e.target.value === '' ? undefined : Number(e.target.value) })}
            />
            {fields[key] && <span className="field-error">{fields[key]}</span>}
          </label>
        ))}
        <label className="setting">
          Schedule
          <select
            aria-label="Schedule"
            value={settings.schedule ?? createDiffusionConfig({ preset: settings.preset }).schedule}
            onChange={(e) => onSettingsChange({ ...settings, schedule: e.target.value as DiffusionConfig['schedule'] })}
          >
            {SCHEDULES.map((schedule) => (
              <option key={schedule} value={schedule}>
                {schedule}
              </option>
            ))}
          </select>
        </label>
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
        <label className="setting">
          Backend
          <select aria-label="Backend" value={settings.backend ?? 'auto'} onChange={(e) => onSettingsChange({ ...settings, backend: e.target.value as DiffusionConfig['backend'] })}>
            <option value="auto">Auto (WebGPU, else WASM)</option>
            <option value="webgpu">WebGPU</option>
            <option value="wasm">WASM</option>
          </select>
        </label>
        <label className="setting">
          Precision
          <select aria-label="Precision" value={settings.precision ?? 'auto'} onChange={(e) => onSettingsChange({ ...settings, precision: e.target.value as DiffusionConfig['precision'] })}>
            {PRECISION_CHOICES.map((choice) => (
              <option key={choice} value={choice}>
                {choice === 'auto' ? 'Auto (q4 on WebGPU, q8 on WASM)' : choice}
              </option>
            ))}
          </select>
        </label>
        <label className="setting">
          <input type="checkbox" checked={settings.fallback ?? true} onChange={(e) => onSettingsChange({ ...settings, fallback: e.target.checked })} /> Autoregressive fallback
        </label>
      </fieldset>
      <div className="buttons">
        <button type="button" className="primary" disabled={running || !config || blockedBecause !== null} title={blockedBecause ?? undefined} onClick={() => config && onGenerate(config)}>
          Generate
        </button>
        <button type="button" disabled={!running} onClick={generation.cancel}>
          Cancel
        </button>
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
          onClick={() => config && void navigator.clipboard.writeText(`${location.origin}${location.pathname}?${configToQuery(config)}`)}
        >
          Share settings
        </button>
      </div>
      <GenerationMessage announce={false} />
      {blockedBecause && !running && <p className="muted small">{blockedBecause}</p>}
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

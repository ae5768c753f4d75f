import { useState } from 'react';

/** Set once the user has read the strip; the strip is for a first visit only. */
const READ_KEY = 'builder-first-visit-read';

function wasRead(): boolean {
  try {
    return localStorage.getItem(READ_KEY) === '1';
  } catch {
    return false;
  }
}

/**
 * What a first visit needs to know: what the app does, that the built-in model only shows the
 * pipeline working (random weights write noise), that the example shows a real result of a test
 * model, and where a real model comes from.
 */
export function FirstVisitStrip({ onShowModels, onTryExample }: { onShowModels(): void; onTryExample(): void }) {
  const [read, setRead] = useState(wasRead);
  if (read) return null;
  const close = () => {
    setRead(true);
    try {
      localStorage.setItem(READ_KEY, '1');
    } catch {
      // Storage refused (a private window): the strip is simply shown again next time.
    }
  };
  return (
    <section className="first-visit small" aria-label="About Builder">
      <p>
        <strong>Builder</strong> rewrites the functions you tick with a diffusion code model, in this page. The built-in demo model is a <strong>test model</strong> with random weights: its output is
        noise that shows the pipeline working, not a suggestion. For real code, get a model in the{' '}
        <button type="button" className="link" onClick={onShowModels}>
          Models panel
        </button>{' '}
        (from Hugging Face, or offline with <code>builder pull</code> and Load model folder). <strong>Try the example</strong> to see a real result: a test model trained on one small task rewrites a
        function of that task.
      </p>
      <button type="button" onClick={onTryExample}>
        Try the example
      </button>
      <button type="button" onClick={close}>
        Got it
      </button>
    </section>
  );
}

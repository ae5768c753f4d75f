import { useEffect, useRef } from 'react';
import { useGeneration } from './generationStore';

/**
 * What the last Generate said (a refusal, an error, "Cancelled."), shown where the user looks:
 * next to the Generate button, and in the editor pane where the result would have opened. The
 * editor pane's copy is the one announced: an error is an alert and takes the focus, so a screen
 * reader reads it at once; the copy by the button is for the eyes only, not read twice.
 */
export function GenerationMessage({ announce }: { announce: boolean }) {
  const generation = useGeneration();
  const ref = useRef<HTMLParagraphElement>(null);
  const failed = generation.status === 'failed';
  useEffect(() => {
    if (!generation.message) return;
    // The copy by the button can land below the panel's fold, under the button the user just pressed: scroll it into view.
    if (!announce) ref.current?.scrollIntoView({ block: 'nearest' });
    else if (failed) ref.current?.focus();
  }, [announce, failed, generation.message]);
  if (!generation.message) return null;
  return (
    <p
      ref={ref}
      className={`notice generation-message ${failed ? 'notice-error' : 'notice-info'}`}
      data-testid={announce ? 'generation-message' : 'generation-message-by-button'}
      role={announce ? (failed ? 'alert' : 'status') : undefined}
      aria-hidden={announce ? undefined : true}
      tabIndex={announce ? -1 : undefined}
    >
      {generation.message}
    </p>
  );
}

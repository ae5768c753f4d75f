import { useEffect, useRef } from 'react';

export interface UnsafeConfirmProps {
  /** What the user is about to do, as the button that goes ahead says it: "Apply anyway". */
  action: string;
  /** Why the verdict is not safe, one reason a line. */
  reasons: readonly string[];
  onConfirm(): void;
  onCancel(): void;
}

/**
 * Asks before a result the verdict calls unsafe is accepted or applied, naming why. A modal
 * dialog: the rest of the page waits, Cancel (first, so it has the focus) and Esc leave
 * everything as it was.
 */
export function UnsafeConfirm({ action, reasons, onConfirm, onCancel }: UnsafeConfirmProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const shown = dialog.current;
    shown?.showModal();
    return () => shown?.close();
  }, []);
  return (
    <dialog
      ref={dialog}
      className="unsafe-confirm"
      aria-label="Not safe to apply"
      onCancel={(event) => {
        event.preventDefault();
        onCancel();
      }}
    >
      <h2>This result is not safe to apply</h2>
      <ul>
        {reasons.map((reason) => (
          <li key={reason}>{reason}</li>
        ))}
      </ul>
      <p>Cancel leaves your file as it is.</p>
      <div className="buttons">
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
        <button type="button" className="danger" onClick={onConfirm}>
          {action}
        </button>
      </div>
    </dialog>
  );
}

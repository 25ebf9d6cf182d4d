import { type ReactNode, useEffect, useId, useRef } from 'react';

/**
 * A modal dialog (or a side drawer): focus moves into it and back to where it came from, Escape and
 * the backdrop close it, Tab stays inside.
 */
export function Dialog(props: {
  title: string;
  onClose: () => void;
  children: ReactNode;
  variant?: 'dialog' | 'drawer';
}) {
  const titleId = useId();
  const panel = useRef<HTMLDivElement>(null);
  const { onClose } = props;

  useEffect(() => {
    const returnTo = document.activeElement as HTMLElement | null;
    const target =
      panel.current?.querySelector<HTMLElement>('[data-autofocus]') ??
      panel.current?.querySelector<HTMLElement>('button');
    target?.focus();
    return () => returnTo?.focus?.();
  }, []);

  // On the document, not the panel: focus can leave the panel (a button that disables itself while busy).
  useEffect(() => {
    function onEscape(event: KeyboardEvent) {
      if (event.key === 'Escape') onClose();
    }
    document.addEventListener('keydown', onEscape);
    return () => document.removeEventListener('keydown', onEscape);
  }, [onClose]);

  function onKeyDown(event: React.KeyboardEvent) {
    if (event.key !== 'Tab' || !panel.current) return;
    const focusable = [
      ...panel.current.querySelectorAll<HTMLElement>(
        'button, [href], input, select, textarea, [tabindex="0"]',
      ),
    ].filter((element) => !element.hasAttribute('disabled'));
    const first = focusable[0];
    const last = focusable.at(-1);
    if (!first || !last) return;
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  }

  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: a backdrop click is a mouse shortcut; Escape closes from the keyboard
    <div
      className="dialog-backdrop"
      role="presentation"
      onMouseDown={(event) => event.target === event.currentTarget && onClose()}
    >
      <div
        ref={panel}
        className={`dialog dialog-${props.variant ?? 'dialog'}`}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        onKeyDown={onKeyDown}
      >
        <div className="dialog-header">
          <h2 id={titleId}>{props.title}</h2>
          <button
            type="button"
            className="button button-ghost button-small"
            onClick={onClose}
            aria-label="Close"
          >
            ✕
          </button>
        </div>
        {props.children}
      </div>
    </div>
  );
}

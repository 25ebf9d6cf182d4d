import { useState } from 'react';
import { applyTheme, THEMES, type Theme } from '../../../lib/theme.ts';
import { useUpdateTheme } from '../api/update-profile.ts';
import type { Profile } from '../types.ts';

const LABELS: Record<Theme, { label: string; icon: string }> = {
  light: { label: 'Light', icon: '☀' },
  dark: { label: 'Dark', icon: '☾' },
  system: { label: 'System', icon: '◐' },
};

/**
 * Light / dark / system as a radio group (arrow keys move between options). A choice applies to the
 * page at once, is cached for the next first paint and saved with PATCH; a failed save reverts it.
 */
export function ThemeSwitch(props: { profile: Profile; onSaved: (profile: Profile) => void }) {
  const [selected, setSelected] = useState<Theme>(props.profile.settings.theme);
  const { state, mutate } = useUpdateTheme();

  async function choose(theme: Theme) {
    const previous = selected;
    setSelected(theme);
    applyTheme(theme);
    try {
      const saved = await mutate(theme);
      if (saved) props.onSaved(saved);
    } catch {
      setSelected(previous);
      applyTheme(previous);
    }
  }

  return (
    <section className="card settings-card" aria-labelledby="appearance-title">
      <h2 id="appearance-title">Appearance</h2>
      <fieldset className="theme-switch">
        <legend>Theme</legend>
        <div className="segmented">
          {THEMES.map((theme) => (
            <label key={theme} className="segmented-option">
              <input
                type="radio"
                name="theme"
                value={theme}
                checked={selected === theme}
                onChange={() => choose(theme)}
              />
              <span className="segmented-label">
                <span aria-hidden="true">{LABELS[theme].icon}</span> {LABELS[theme].label}
              </span>
            </label>
          ))}
        </div>
      </fieldset>
      <p className="settings-hint">
        System follows your device’s setting. Your choice is saved to your account and used on every device.
      </p>
      <p className="save-status" aria-live="polite">
        {state.status === 'saving' && 'Saving…'}
        {state.status === 'saved' && 'Saved'}
        {state.status === 'error' && (
          <span className="save-status-error" role="alert">
            Couldn’t save your theme — your previous choice is back. Try again.
          </span>
        )}
      </p>
    </section>
  );
}

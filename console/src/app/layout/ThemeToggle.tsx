import * as DropdownMenu from '@radix-ui/react-dropdown-menu';
import { useState } from 'react';
import { applyTheme, storedTheme, type ThemeChoice } from '../../lib/theme';

const CHOICES: Array<{ value: ThemeChoice; label: string }> = [
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
  { value: 'system', label: 'System' },
];

export function ThemeToggle() {
  const [choice, setChoice] = useState<ThemeChoice>(storedTheme);
  return (
    <DropdownMenu.Root>
      <DropdownMenu.Trigger className="button button-ghost" aria-label={`Theme: ${choice}`}>
        <span aria-hidden="true">{choice === 'dark' ? '☾' : choice === 'light' ? '☀' : '◐'}</span>
      </DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content className="menu" align="end" sideOffset={4}>
          <DropdownMenu.Label className="menu-label">Theme</DropdownMenu.Label>
          <DropdownMenu.RadioGroup
            value={choice}
            onValueChange={(value) => {
              const next = value as ThemeChoice;
              setChoice(next);
              applyTheme(next);
            }}
          >
            {CHOICES.map((c) => (
              <DropdownMenu.RadioItem key={c.value} value={c.value} className="menu-item">
                <span className="menu-check" aria-hidden="true">
                  {choice === c.value ? '●' : ''}
                </span>
                {c.label}
              </DropdownMenu.RadioItem>
            ))}
          </DropdownMenu.RadioGroup>
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  );
}

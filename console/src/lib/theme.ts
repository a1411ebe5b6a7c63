export type ThemeChoice = 'light' | 'dark' | 'system';
const KEY = 'admiral.theme';
const media = () => window.matchMedia('(prefers-color-scheme: dark)');

export function storedTheme(): ThemeChoice {
  const value = localStorage.getItem(KEY);
  return value === 'light' || value === 'dark' ? value : 'system';
}

/** Sets `data-theme` on <html> (light or dark; 'system' follows the OS, live). */
export function applyTheme(choice: ThemeChoice = storedTheme()): void {
  if (choice === 'system') localStorage.removeItem(KEY);
  else localStorage.setItem(KEY, choice);
  const dark = choice === 'dark' || (choice === 'system' && media().matches);
  document.documentElement.dataset.theme = dark ? 'dark' : 'light';
}

export function followSystemTheme(): void {
  media().addEventListener('change', () => {
    if (storedTheme() === 'system') applyTheme('system');
  });
}

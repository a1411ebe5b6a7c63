import { useEffect, useRef, useState } from 'react';

/**
 * A search field that reports its text once typing pauses (250 ms), or at once on Enter. Keeps its own text
 * while the URL catches up, and follows the URL when it changes from elsewhere (back button).
 */
export function SearchBox({ value, onSearch, label, placeholder }: { value: string; onSearch: (value: string) => void; label: string; placeholder?: string }) {
  const [text, setText] = useState(value);
  const reported = useRef(value);
  useEffect(() => {
    if (value !== reported.current) {
      reported.current = value;
      setText(value);
    }
  }, [value]);
  useEffect(() => {
    if (text === reported.current) return;
    const timer = setTimeout(() => {
      reported.current = text;
      onSearch(text);
    }, 250);
    return () => clearTimeout(timer);
  }, [text, onSearch]);
  return (
    <input
      type="search"
      className="input users-search"
      aria-label={label}
      placeholder={placeholder ?? label}
      value={text}
      onChange={(event) => setText(event.target.value)}
      onKeyDown={(event) => {
        if (event.key === 'Enter') {
          reported.current = text;
          onSearch(text);
        }
      }}
    />
  );
}

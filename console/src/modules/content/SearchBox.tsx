import { useEffect, useRef, useState } from 'react';

/** Reports its text once typing pauses (300 ms) or at once on Enter; follows the URL when it changes elsewhere. */
export function SearchBox({ value, onSearch, label }: { value: string; onSearch: (value: string) => void; label: string }) {
  const [text, setText] = useState(value);
  const reported = useRef(value);
  const report = useRef(onSearch);
  report.current = onSearch;
  useEffect(() => {
    if (value !== reported.current) {
      reported.current = value;
      setText(value);
    }
  }, [value]);
  useEffect(() => {
    if (text.trim() === reported.current) return;
    const timer = setTimeout(() => {
      reported.current = text.trim();
      report.current(text.trim());
    }, 300);
    return () => clearTimeout(timer);
  }, [text]);
  return (
    <input
      type="search"
      className="input cms-search"
      aria-label={label}
      placeholder={`${label}…`}
      maxLength={200}
      value={text}
      onChange={(event) => setText(event.target.value)}
      onKeyDown={(event) => {
        if (event.key === 'Enter') {
          reported.current = text.trim();
          report.current(text.trim());
        }
      }}
    />
  );
}

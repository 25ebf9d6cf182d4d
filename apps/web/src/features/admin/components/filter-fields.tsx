// The controls of the console's filter bars (deliveries, users). Each writes its value into the URL
// (useUrlFilters' setParam); an empty value removes the parameter.

type SetFilter = (value: string | null) => void;

/** A free-text filter; `search` renders it as a search box. Typed text is trimmed. */
export function TextFilter({
  label,
  value,
  placeholder,
  search = false,
  onChange,
}: {
  label: string;
  value: string;
  placeholder: string;
  search?: boolean;
  onChange: SetFilter;
}) {
  return (
    <label className="field">
      <span>{label}</span>
      <input
        {...(search && { type: 'search' })}
        defaultValue={value}
        placeholder={placeholder}
        onChange={(e) => onChange(e.target.value.trim() || null)}
      />
    </label>
  );
}

/** One of a fixed list of values, or any. */
export function SelectFilter({
  label,
  value,
  options,
  onChange,
}: {
  label: string;
  value: string;
  options: readonly string[];
  onChange: SetFilter;
}) {
  return (
    <label className="field">
      <span>{label}</span>
      <select value={value} onChange={(e) => onChange(e.target.value || null)}>
        <option value="">any</option>
        {options.map((option) => (
          <option key={option} value={option}>
            {option}
          </option>
        ))}
      </select>
    </label>
  );
}

// The console's filter bars (deliveries, users) and their controls. Each control writes its value into
// the URL (useUrlFilters' setParam); an empty value removes the parameter.

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

/** One field of a filter bar: free text, or one of a fixed list. `name` is its URL parameter. */
export type FilterField =
  | { kind: 'text'; name: string; label: string; placeholder: string; search?: boolean }
  | { kind: 'select'; name: string; label: string; options: readonly string[] };

/**
 * The filter bar over a list: a field per entry of `fields`, showing `values[name]`. Fields write into
 * the URL as they change (`onChange` is useUrlFilters' setParam), so there is no submit.
 */
export function FilterBar(props: {
  label: string;
  fields: readonly FilterField[];
  values: Readonly<Record<string, string>>;
  onChange: (name: string, value: string | null) => void;
}) {
  return (
    <form className="filters" aria-label={props.label} onSubmit={(event) => event.preventDefault()}>
      {props.fields.map((field) =>
        field.kind === 'text' ? (
          <TextFilter
            key={field.name}
            label={field.label}
            search={field.search}
            value={props.values[field.name] ?? ''}
            placeholder={field.placeholder}
            onChange={(value) => props.onChange(field.name, value)}
          />
        ) : (
          <SelectFilter
            key={field.name}
            label={field.label}
            value={props.values[field.name] ?? ''}
            options={field.options}
            onChange={(value) => props.onChange(field.name, value)}
          />
        ),
      )}
    </form>
  );
}

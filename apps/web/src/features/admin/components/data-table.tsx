import type { ReactNode } from 'react';

/** One column of a console table: its header and how a row fills its cell. */
export interface Column<T> {
  header: string;
  cell: (row: T) => ReactNode;
  /** Classes of the column's cells (e.g. `mono`). */
  className?: string;
  /** Hidden on narrow screens (the `col-optional` class, on the header and every cell). */
  optional?: boolean;
}

function columnClass(column: Column<unknown>, cell: boolean): string | undefined {
  const classes = [cell ? column.className : undefined, column.optional ? 'col-optional' : undefined];
  return classes.filter(Boolean).join(' ') || undefined;
}

/**
 * The console's tables (deliveries, users, audit, overview counts): a scrollable `data-table` with one
 * header row. With `empty`, no rows show that sentence instead of an empty table.
 */
export function DataTable<T>(props: {
  rows: readonly T[];
  rowKey: (row: T) => string;
  columns: readonly Column<T>[];
  empty?: string;
}) {
  if (props.empty !== undefined && props.rows.length === 0) return <p className="empty">{props.empty}</p>;
  return (
    <div className="table-scroll">
      <table className="data-table">
        <thead>
          <tr>
            {props.columns.map((column) => (
              <th key={column.header} scope="col" className={columnClass(column as Column<unknown>, false)}>
                {column.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.rows.map((row) => (
            <tr key={props.rowKey(row)}>
              {props.columns.map((column) => (
                <td key={column.header} className={columnClass(column as Column<unknown>, true)}>
                  {column.cell(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

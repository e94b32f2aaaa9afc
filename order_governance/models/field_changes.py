"""Which fields a write really changes: forms and Odoo's own flows resend
unchanged values, and a guard must not refuse those."""


def changed_fields(records, vals, fnames):
    """The names of ``fnames`` that ``vals`` would change on one of ``records``
    (read as superuser: the guard runs before any access check). Relational
    commands (x2many) count as a change."""
    return [
        fname
        for fname in fnames
        if fname in vals and _differs(records.sudo(), fname, vals[fname])
    ]


def _differs(records, fname, value):
    field = records._fields[fname]
    if field.type in ("one2many", "many2many"):
        return bool(value)
    for record in records:
        current = record[fname]
        if field.type == "many2one":
            if current.id != (value or False):
                return True
        elif field.type in ("float", "monetary"):
            if abs((current or 0.0) - float(value or 0.0)) > 1e-9:
                return True
        elif field.type in ("datetime", "date"):
            if current != field.convert_to_cache(value, record):
                return True
        elif current != value:
            return True
    return False


def field_labels(records, fnames):
    """The fields' labels, in the user's language, for a message."""
    return ", ".join(
        records._fields[fname]._description_string(records.env) for fname in fnames
    )

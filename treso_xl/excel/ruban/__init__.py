"""One module per ribbon button: the add-in `treso_xl.excel.ruban.<name>.xlam` runs `<name>.main()`.

The add-ins are built from xlwings' ribbon template, whose only callback runs
`import <file name without extension>; <same>.main()` (see `treso_xl.excel.addin_build`).
"""

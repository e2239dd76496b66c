"""One module per ribbon button, each with a `main()` running its macro of `treso_xl.excel.ribbon`.

The add-in `treso-xl.xlam` calls `treso_xl.excel.ribbon.run(<macro>)` directly (see
`treso_xl.excel.addin_build`); these modules remain the entry points of the one-add-in-per-button
files of earlier versions, until `treso-xl addin install` replaces them.
"""

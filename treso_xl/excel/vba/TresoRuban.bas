Attribute VB_Name = "TresoRuban"
' treso-xl, single add-in variant of the ribbon (needs Excel on Windows to build, see
' docs/excel.md). Every button of customUI14_unique.xml calls Dispatch; its tag names the
' Python macro to run (treso_xl.excel.ribbon.MACROS). Import this module into the VBA project
' of xlwings' ribbon add-in template, next to its xlwings module, which defines RunPython.
Option Explicit

Public Sub Dispatch(control As IRibbonControl)
    Select Case control.Tag
        Case "actualiser", "verifier", "relances", "envoyer_au_comptable", "importer_releve"
            RunPython "import treso_xl.excel.ribbon; treso_xl.excel.ribbon.run('" & control.Tag & "')"
        Case Else
            MsgBox "Bouton inconnu : " & control.Tag, vbExclamation, "Tr" & ChrW(233) & "sorerie"
    End Select
End Sub

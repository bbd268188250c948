"""Results people read (issue 7): workbook, IAMC export, figures, report.md, assumption register.

Every function here reads the files an assessment left in ``results/<case>/`` (interfaces.md §4)
plus the case's own ``case.yaml`` and ``national.csv``; nothing recomputes the assessment, so
every number a reader sees can be traced back to those files.
"""

"""PySide6 + pyqtgraph desktop GUI. Imports energymon; never does Modbus or SQLite work on the GUI thread."""

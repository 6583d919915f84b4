; energymon's Windows installer, for Inno Setup 6 (https://jrsoftware.org/isinfo.php).
;
; Build it on Windows, after the one-folder app (docs/packaging.md, "Windows installer"):
;   .venv\Scripts\python packaging\build.py
;   "C:\Program Files (x86)\Inno Setup 6\ISCC.exe" /DAppVersion=0.1.0 packaging\windows\energymon.iss
; It writes dist\energymon-<version>-windows-x64-setup.exe. The installer copies dist\energymon\ to
; Program Files (or the user's own programs folder when not run as administrator), adds Start-menu entries
; for the app and the demo park, optionally a desktop shortcut, and an uninstaller. User data (site configs,
; databases, logs under %LOCALAPPDATA%\energymon) is never inside the app folder, so an update or an
; uninstall leaves it alone.

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif

[Setup]
AppId={{CAF9AE96-6887-50C0-83C7-9381C8A031C6}
AppName=energymon
AppVersion={#AppVersion}
AppVerName=energymon {#AppVersion}
AppPublisher=energymon
DefaultDirName={autopf}\energymon
DefaultGroupName=energymon
DisableProgramGroupPage=yes
PrivilegesRequired=admin
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\..\dist
OutputBaseFilename=energymon-{#AppVersion}-windows-x64-setup
SetupIconFile=..\icons\energymon.ico
UninstallDisplayIcon={app}\energymon-gui.exe
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
CloseApplications=yes

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"
; Simplified Chinese setup texts: Inno Setup's unofficial ChineseSimplified.isl (from its translations page)
; copied into its Languages folder, then uncomment:
; Name: "chinesesimplified"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "..\..\dist\energymon\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\energymon"; Filename: "{app}\energymon-gui.exe"
Name: "{autoprograms}\energymon demo park"; Filename: "{app}\energymon-gui.exe"; Parameters: "demo"
Name: "{autodesktop}\energymon"; Filename: "{app}\energymon-gui.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\energymon-gui.exe"; Description: "{cm:LaunchProgram,energymon}"; Flags: nowait postinstall skipifsilent

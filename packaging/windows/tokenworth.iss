; Inno Setup script: a per-user installer for the one-folder Windows build.
;   packaging\build.sh dist          (in Git Bash, or: uv run --group build pyinstaller packaging\tokenworth.spec)
;   iscc /DAppVersion=0.1.0 packaging\windows\tokenworth.iss
; Produces dist\Tokenworth-<version>-setup.exe. Not built on the Linux CI machines (see packaging/README.md).
; No admin rights: installs under %LOCALAPPDATA%\Programs, like other per-user desktop apps.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define AppExe "tokenworth.exe"

[Setup]
AppId={{6E1F4C57-3B9A-4E0B-9C55-7A1D2A0B5E31}
AppName=Tokenworth
AppVersion={#AppVersion}
AppPublisher=The Tokenworth developers
DefaultDirName={localappdata}\Programs\Tokenworth
DefaultGroupName=Tokenworth
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
OutputDir=..\..\dist
OutputBaseFilename=Tokenworth-{#AppVersion}-setup
SetupIconFile=..\..\resources\icons\tokenworth.ico
UninstallDisplayIcon={app}\{#AppExe}
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible

[Tasks]
Name: "desktopicon"; Description: "Create a &desktop shortcut"; Flags: unchecked
Name: "autostart"; Description: "Start Tokenworth in the tray when I log in"; Flags: unchecked

[Files]
; the whole one-folder build
Source: "..\..\dist\tokenworth\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\Tokenworth"; Filename: "{app}\{#AppExe}"
Name: "{autodesktop}\Tokenworth"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Registry]
; The same value the app's "Start at login" setting writes (tracker/services/autostart.py:
; RUN_KEY, RUN_VALUE), so the installer's choice and the setting are one entry.
Root: HKCU; Subkey: "Software\Microsoft\Windows\CurrentVersion\Run"; ValueType: string; ValueName: "Tokenworth"; ValueData: """{app}\{#AppExe}"" --tray"; Flags: uninsdeletevalue; Tasks: autostart

[UninstallRun]
; the value may have been written by the app's setting rather than the installer's task
Filename: "{sys}\reg.exe"; Parameters: "delete HKCU\Software\Microsoft\Windows\CurrentVersion\Run /v Tokenworth /f"; Flags: runhidden; RunOnceId: "RemoveAutostart"

[Run]
Filename: "{app}\{#AppExe}"; Description: "Start Tokenworth"; Flags: nowait postinstall skipifsilent

; Inno Setup 6 script: installer for the one-folder PyInstaller build of piaodesk.
;
; Build on Windows, from the repository root, after the PyInstaller build:
;   pyinstaller --noconfirm --distpath build\dist --workpath build\work packaging\piaodesk.spec
;   iscc /DAppVersion=0.1.0 /DDistDir=..\..\build\dist\piaodesk packaging\windows\piaodesk.iss
; The installer is written to build\installer\piaodesk-<version>-setup.exe.
;
; Office PCs usually have no administrator rights: the default is a per-user
; install (no UAC prompt); an administrator may choose "for all users".

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#ifndef DistDir
  #define DistDir "..\..\build\dist\piaodesk"
#endif

[Setup]
AppId={{6F3C2A8E-5B1D-4C7E-9A2F-70D1E5B4C913}
AppName=piaodesk
AppVersion={#AppVersion}
AppVerName=piaodesk {#AppVersion}
AppPublisher=piaodesk
DefaultDirName={autopf}\piaodesk
DefaultGroupName=piaodesk
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
OutputDir=..\..\build\installer
OutputBaseFilename=piaodesk-{#AppVersion}-setup
SetupIconFile=..\..\resources\branding\piaodesk.ico
UninstallDisplayIcon={app}\piaodesk.exe
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
ChangesAssociations=yes

[Languages]
Name: "italian"; MessagesFile: "compiler:Languages\Italian.isl"

[Tasks]
Name: "desktopicon"; Description: "Crea un'icona sul desktop"; GroupDescription: "Icone aggiuntive:"
Name: "associa"; Description: "Apri i file .piao con piaodesk"; GroupDescription: "File:"

[Files]
Source: "{#DistDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\piaodesk"; Filename: "{app}\piaodesk.exe"
Name: "{group}\Piano dimostrativo"; Filename: "{app}\piaodesk.exe"; Parameters: "demo"
Name: "{group}\Guida di piaodesk"; Filename: "{app}\_internal\resources\guida\guida.md"
Name: "{group}\Disinstalla piaodesk"; Filename: "{uninstallexe}"
Name: "{autodesktop}\piaodesk"; Filename: "{app}\piaodesk.exe"; Tasks: desktopicon

[Registry]
; HKA = HKCU for a per-user install, HKLM for all users
Root: HKA; Subkey: "Software\Classes\.piao"; ValueType: string; ValueName: ""; ValueData: "piaodesk.piano"; Flags: uninsdeletevalue; Tasks: associa
Root: HKA; Subkey: "Software\Classes\piaodesk.piano"; ValueType: string; ValueName: ""; ValueData: "Piano piaodesk"; Flags: uninsdeletekey; Tasks: associa
Root: HKA; Subkey: "Software\Classes\piaodesk.piano\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\piaodesk.exe,0"; Tasks: associa
Root: HKA; Subkey: "Software\Classes\piaodesk.piano\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\piaodesk.exe"" ""%1"""; Tasks: associa

[Run]
Filename: "{app}\piaodesk.exe"; Description: "Avvia piaodesk"; Flags: nowait postinstall skipifsilent

/** The `builder pull` line that gets `repository` into the folder `out`, as the messages and the model manager show it. */
export const pullCommandLine = (repository: string, out: string, family: string): string => `builder pull ${repository} --out ${out} --family ${family}`;

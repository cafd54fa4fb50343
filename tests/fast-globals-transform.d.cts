declare const transformer: {
  createTransformer(options?: { swc?: object; esmPackages?: string[] }): {
    process(src: string, filename: string, options: object): { code: string };
  };
};
export = transformer;
